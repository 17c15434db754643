package api

import (
	"net/http"
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

type checkoutJSON struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	Mode               string            `json:"mode"`
	Status             string            `json:"status"`
	Amount             int64             `json:"amount"`
	Currency           string            `json:"currency"`
	Capture            string            `json:"capture"`
	Customer           *string           `json:"customer"`
	PaymentMethodTypes []string          `json:"payment_method_types"`
	SavePaymentMethod  bool              `json:"save_payment_method"`
	Description        *string           `json:"description"`
	Reference          *string           `json:"reference"`
	Locale             string            `json:"locale"`
	SuccessURL         string            `json:"success_url"`
	CancelURL          *string           `json:"cancel_url"`
	NotificationURL    *string           `json:"notification_url"`
	EmbedOrigins       []string          `json:"embed_origins"`
	PGCode             *string           `json:"pg_code"`
	PGCodes            []string          `json:"pg_codes"`
	Metadata           map[string]string `json:"metadata"`
	Payment            *string           `json:"payment"`
	ExpiresAt          string            `json:"expires_at"`
	CreatedAt          string            `json:"created_at"`
	// CheckoutToken and URL are shown once, on the answer that created the
	// session: the token is stored only as a hash.
	CheckoutToken string `json:"checkout_token,omitempty"`
	URL           string `json:"url,omitempty"`
	QRCodeURL     string `json:"qr_code_url,omitempty"`
}

func checkoutView(s *checkout.Session, token, url string) checkoutJSON {
	v := checkoutJSON{ID: s.ID, Object: "checkout_session", Mode: string(s.Mode), Status: string(s.Status), Amount: s.Amount,
		Currency: s.Currency.Code, Capture: string(s.CaptureMethod), Customer: opt(s.CustomerID), PaymentMethodTypes: s.Brands,
		SavePaymentMethod: s.SaveCard, Description: opt(s.Description), Reference: opt(s.Reference), Locale: s.Locale,
		SuccessURL: s.SuccessURL, CancelURL: opt(s.CancelURL), NotificationURL: opt(s.NotificationURL), EmbedOrigins: s.EmbedOrigins,
		PGCode: opt(s.Config), Metadata: meta(s.Metadata), Payment: opt(s.PaymentID), ExpiresAt: ts(s.ExpiresAt), CreatedAt: ts(s.CreatedAt),
		CheckoutToken: token, URL: url}
	if v.PaymentMethodTypes == nil {
		v.PaymentMethodTypes = []string{}
	}
	if v.EmbedOrigins == nil {
		v.EmbedOrigins = []string{}
	}
	switch {
	case s.Config != "":
		v.PGCodes = []string{s.Config}
	case len(s.AllowedConfigs) > 0:
		v.PGCodes = s.AllowedConfigs
	default:
		v.PGCodes = []string{}
	}
	return v
}

// checkoutRequest is POST /v1/checkout/sessions; pg_code names the
// payment-method configuration the session's payment goes through, as on
// POST /v1/payments ("" lets routing choose); pg_codes instead lets
// routing choose among those only.
type checkoutRequest struct {
	Amount             *int64            `json:"amount"`
	Currency           *string           `json:"currency"`
	Capture            string            `json:"capture"`
	Customer           string            `json:"customer"`
	PaymentMethodTypes []string          `json:"payment_method_types"`
	SavePaymentMethod  bool              `json:"save_payment_method"`
	Description        string            `json:"description"`
	Reference          string            `json:"reference"`
	Locale             string            `json:"locale"`
	SuccessURL         string            `json:"success_url"`
	CancelURL          string            `json:"cancel_url"`
	NotificationURL    string            `json:"notification_url"`
	EmbedOrigins       []string          `json:"embed_origins"`
	PGCode             string            `json:"pg_code"`
	PGCodes            []string          `json:"pg_codes"`
	ExpiresIn          int64             `json:"expires_in"`
	Metadata           map[string]string `json:"metadata"`
}

func (s *Server) createCheckoutSession(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[checkoutRequest](s, w, r, false)
	if !ok {
		return
	}
	switch {
	case req.Amount == nil:
		writeProblem(w, r, fault.InvalidParam("amount", "parameter_missing", "amount is required (an integer in the currency's minor unit)"))
		return
	case req.Currency == nil:
		writeProblem(w, r, fault.InvalidParam("currency", "parameter_missing", "currency is required (ISO 4217 code such as USD)"))
		return
	case req.ExpiresIn < 0:
		writeProblem(w, r, fault.InvalidParam("expires_in", "parameter_invalid", "expires_in must be a positive number of seconds"))
		return
	}
	c, err := s.engine.CreateCheckoutSession(r.Context(), actorOf(r.Context()), engine.CheckoutInput{
		Amount: *req.Amount, Currency: *req.Currency, CaptureMethod: payment.CaptureMethod(req.Capture), Customer: req.Customer,
		Brands: req.PaymentMethodTypes, SaveCard: req.SavePaymentMethod, Description: req.Description, Reference: req.Reference,
		Locale: req.Locale, SuccessURL: req.SuccessURL, CancelURL: req.CancelURL, NotificationURL: req.NotificationURL,
		EmbedOrigins: req.EmbedOrigins, Config: req.PGCode, AllowedConfigs: req.PGCodes, ExpiresIn: time.Duration(req.ExpiresIn) * time.Second, Metadata: req.Metadata})
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	v := checkoutView(c.Session, c.Token, c.URL)
	v.QRCodeURL = c.QRCodeURL
	writeBody(w, http.StatusCreated, mustJSON(v))
}

func (s *Server) getCheckoutSession(w http.ResponseWriter, r *http.Request) {
	cs, err := s.engine.GetCheckoutSession(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(checkoutView(cs, "", "")))
}

func (s *Server) listCheckoutSessions(w http.ResponseWriter, r *http.Request) {
	limit, after, ok := pageParams(w, r)
	if !ok {
		return
	}
	ss, err := s.engine.ListCheckoutSessions(r.Context(), actorOf(r.Context()), after, limit+1)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	page(w, ss, limit, func(c *checkout.Session) string { return c.ID }, func(c *checkout.Session) checkoutJSON { return checkoutView(c, "", "") })
}
