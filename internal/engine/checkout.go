package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"time"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/merchant"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
	"github.com/paygate/paygate/internal/webhook"
)

// Checkout session lifetimes.
const (
	DefaultCheckoutTTL = time.Hour
	MinCheckoutTTL     = 5 * time.Minute
	MaxCheckoutTTL     = 24 * time.Hour
)

// CheckoutInput asks for a hosted payment page.
type CheckoutInput struct {
	Amount        int64
	Currency      string
	CaptureMethod payment.CaptureMethod
	// Customer (id or the merchant's reference) must exist; the page then
	// offers the customer's saved cards and to save the new one.
	Customer        string
	Brands          []string
	SaveCard        bool
	Description     string
	Reference       string
	Locale          string
	SuccessURL      string
	CancelURL       string
	NotificationURL string
	// Door is the front door creating the session ("" for the native API).
	Door string
	// Config names the payment-method configuration (pg_code) to pay
	// through; checked when the session is made.
	Config string
	// AllowedConfigs (pg_codes) are the configurations routing may choose
	// from when Config is empty; each is checked when the session is made.
	AllowedConfigs []string
	EmbedOrigins   []string
	ExpiresIn      time.Duration
	Metadata       map[string]string
}

// CheckoutCreated is a new session with its checkout token, page URL and
// the page's QR code, all shown only this once (the token is stored as a
// hash).
type CheckoutCreated struct {
	Session   *checkout.Session
	Token     string
	URL       string
	QRCodeURL string
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateCheckoutSession validates in and makes an open session.
func (e *Engine) CreateCheckoutSession(ctx context.Context, a Actor, in CheckoutInput) (*CheckoutCreated, error) {
	pin := CreatePaymentInput{Amount: in.Amount, Currency: in.Currency, CaptureMethod: in.CaptureMethod, Description: in.Description,
		Reference: in.Reference, Metadata: in.Metadata, Card: &CardInput{}}
	cur, err := pin.validate(e.now())
	if err != nil {
		return nil, err
	}
	s := &checkout.Session{ID: id.New("cs"), MerchantID: a.MerchantID, Mode: a.Mode, Status: checkout.Open,
		Amount: in.Amount, Currency: cur, CaptureMethod: pin.CaptureMethod, SaveCard: in.SaveCard,
		Description: in.Description, Reference: in.Reference, Locale: in.Locale, SuccessURL: in.SuccessURL,
		CancelURL: in.CancelURL, NotificationURL: in.NotificationURL, Door: in.Door, Config: in.Config, Metadata: in.Metadata}
	if err := e.allowConfigs(ctx, a, s, in); err != nil {
		return nil, err
	}
	if s.Locale == "" {
		s.Locale = "en"
	}
	if !slices.Contains(checkout.Locales, s.Locale) {
		return nil, fault.InvalidParam("locale", "parameter_invalid", "locale must be one of en, ar")
	}
	for _, u := range []struct{ param, v string }{{"success_url", in.SuccessURL}, {"cancel_url", in.CancelURL}, {"notification_url", in.NotificationURL}} {
		if u.v == "" && u.param == "success_url" {
			return nil, fault.InvalidParam(u.param, "parameter_missing", "success_url is required: the payer returns there after paying")
		}
		if u.v != "" {
			if err := validURL(u.param, u.v); err != nil {
				return nil, err
			}
		}
	}
	for _, b := range in.Brands {
		if !slices.Contains(card.Brands, card.Brand(b)) {
			return nil, fault.InvalidParam("payment_method_types", "parameter_invalid", "unknown card brand %q (use %v)", b, card.Brands)
		}
	}
	s.Brands = in.Brands
	for _, o := range in.EmbedOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" {
			return nil, fault.InvalidParam("embed_origins", "parameter_invalid", "embed_origins must be origins such as https://shop.example")
		}
	}
	s.EmbedOrigins = in.EmbedOrigins
	ttl := in.ExpiresIn
	if ttl == 0 {
		ttl = DefaultCheckoutTTL
	}
	if ttl < MinCheckoutTTL || ttl > MaxCheckoutTTL {
		return nil, fault.InvalidParam("expires_in", "parameter_invalid", "expires_in must be between %d and %d seconds", int(MinCheckoutTTL.Seconds()), int(MaxCheckoutTTL.Seconds()))
	}
	if in.Customer != "" {
		c, err := e.findCustomer(ctx, a, in.Customer)
		if fault.IsNotFound(err) {
			return nil, fault.InvalidParam("customer", "resource_missing", "no such customer: %q", in.Customer)
		}
		if err != nil {
			return nil, err
		}
		s.CustomerID = c.ID
	}
	if err := e.notificationURL(ctx, a, "notification_url", in.NotificationURL, in.Door); err != nil {
		return nil, err
	}
	if in.Config != "" {
		if _, err := e.paymentConfig(ctx, a, in.Config, s.Currency.Code); err != nil {
			return nil, err
		}
	} else if err := e.someConfigAccepts(ctx, a, s.Currency.Code, in.AllowedConfigs); err != nil {
		return nil, err
	}
	now := e.now()
	s.ExpiresAt, s.CreatedAt, s.UpdatedAt = now.Add(ttl), now, now
	token := "ct_" + id.Secret(32) // 256 random bits
	s.TokenHash = tokenHash(token)
	if err := e.store.Update(ctx, func(tx Tx) error { return tx.InsertCheckoutSession(ctx, s) }); err != nil {
		return nil, err
	}
	return &CheckoutCreated{Session: s, Token: token, URL: e.CheckoutURL(token), QRCodeURL: e.CheckoutQRURL(token)}, nil
}

// someConfigAccepts refuses a routed session in a currency that none of
// the merchant's enabled configurations (among allowed, if any) accepts,
// so the payer is not shown a page that cannot take the payment. A
// merchant without configurations in the mode uses the built-in connector,
// which takes every currency.
func (e *Engine) someConfigAccepts(ctx context.Context, a Actor, currency string, allowed []string) error {
	all, err := e.merchantConfigs(ctx, a.MerchantID)
	if err != nil {
		return err
	}
	enabled := false
	for _, c := range all {
		if c.Mode != a.Mode || !c.Enabled || len(allowed) > 0 && !slices.Contains(allowed, c.Code) {
			continue
		}
		enabled = true
		if c.Accepts(currency) {
			return nil
		}
	}
	if !enabled {
		return nil
	}
	return fault.InvalidParam("currency", "currency_not_accepted", "no enabled payment-method configuration accepts %s; add it to one's accepted currencies or use another currency", currency)
}

// CheckoutQRURL is that page's QR code (an image the pages serve).
func (e *Engine) CheckoutQRURL(token string) string { return e.publicURL + "/checkout/qr/" + token }

// withExpiry reports an open session past its time as expired.
func (e *Engine) withExpiry(s *checkout.Session) *checkout.Session {
	if s.Status == checkout.Open && !e.now().Before(s.ExpiresAt) {
		s.Status = checkout.Expired
	}
	return s
}

// GetCheckoutSession returns a merchant's session.
func (e *Engine) GetCheckoutSession(ctx context.Context, a Actor, id string) (*checkout.Session, error) {
	s, err := e.store.GetCheckoutSession(ctx, a.MerchantID, a.Mode, id)
	if err != nil {
		return nil, err
	}
	return e.withExpiry(s), nil
}

// ListCheckoutSessions lists sessions newest first.
func (e *Engine) ListCheckoutSessions(ctx context.Context, a Actor, startingAfter string, limit int) ([]*checkout.Session, error) {
	ss, err := e.store.ListCheckoutSessions(ctx, a.MerchantID, a.Mode, startingAfter, clampLimit(limit))
	for _, s := range ss {
		e.withExpiry(s)
	}
	return ss, err
}

// CheckoutView is what the hosted page shows.
type CheckoutView struct {
	Session    *checkout.Session
	Merchant   *merchant.Merchant
	SavedCards []*vault.PaymentMethod
	// Payment is the latest attempt, if any.
	Payment *payment.Payment
}

// OpenCheckout finds a session by its checkout token, for the payer's page.
func (e *Engine) OpenCheckout(ctx context.Context, token string) (*CheckoutView, error) {
	s, err := e.store.FindCheckoutSession(ctx, tokenHash(token))
	if err != nil {
		return nil, err
	}
	return e.checkoutView(ctx, s)
}

// ReturnToCheckout finds a session by its id, for the payer coming back
// from a redirect (3-D Secure) without the checkout token: the pages check
// that the return link is one they signed before calling it, and must not
// offer the payer more than the session's outcome with it.
func (e *Engine) ReturnToCheckout(ctx context.Context, merchantID string, mode payment.Mode, sessionID string) (*CheckoutView, error) {
	s, err := e.store.GetCheckoutSession(ctx, merchantID, mode, sessionID)
	if err != nil {
		return nil, err
	}
	return e.checkoutView(ctx, s)
}

// checkoutView loads what the page shows of s and completes s if its
// payment has succeeded since.
func (e *Engine) checkoutView(ctx context.Context, s *checkout.Session) (*CheckoutView, error) {
	var err error
	v := &CheckoutView{Session: e.withExpiry(s)}
	if v.Merchant, err = e.store.GetMerchant(ctx, s.MerchantID); err != nil {
		return nil, err
	}
	if s.CustomerID != "" {
		if v.SavedCards, err = e.store.ListCustomerPaymentMethods(ctx, s.MerchantID, s.Mode, s.CustomerID); err != nil {
			return nil, err
		}
	}
	if s.PaymentID != "" {
		if v.Payment, err = e.store.GetPayment(ctx, s.MerchantID, s.Mode, s.PaymentID); err != nil {
			return nil, err
		}
		if err := e.settleCheckout(ctx, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// CheckoutPayment is the payer's choice on the hosted page.
type CheckoutPayment struct {
	Card            *CardInput
	PaymentMethodID string
	// CVC may accompany a saved card.
	CVC      string
	SaveCard bool
	// ReturnQuery is added to the URL the payer's browser comes back to
	// after a redirect (paygate's /checkout/return/{session}); the pages
	// put a signature there, so an embedded checkout, whose frame keeps no
	// cookie, can still be matched to its session.
	ReturnQuery string
}

// PayCheckout pays an open session. Double submits are one payment: the
// attempt's idempotency key is derived from the session and its previous
// attempt, so two concurrent submits share it and the processor is asked
// once. A declined attempt leaves the session open for another card.
func (e *Engine) PayCheckout(ctx context.Context, token string, in CheckoutPayment) (*CheckoutView, error) {
	v, err := e.OpenCheckout(ctx, token)
	if err != nil {
		return nil, err
	}
	s := v.Session
	if err := s.Payable(e.now()); err != nil {
		return v, err
	}
	if v.Payment != nil && (v.Payment.Status == payment.Processing || v.Payment.Status == payment.Pending || v.Payment.Status == payment.RequiresAction) {
		return v, fault.New(fault.Conflict, "checkout_payment_in_progress", "a payment for this checkout is still in progress")
	}
	if err := e.invoicePayable(ctx, s); err != nil {
		return v, err
	}
	if in.Card != nil && in.Card.Number != "" {
		if _, brand, err := card.ValidateNumber(in.Card.Number); err == nil && !s.AcceptsBrand(string(brand)) {
			return v, fault.InvalidParam("payment_method.card.number", "card_brand_not_accepted", "%s cards are not accepted here", brand)
		}
	}
	a := Actor{MerchantID: s.MerchantID, Mode: s.Mode}
	md := map[string]string{"checkout_session": s.ID}
	for k, val := range s.Metadata {
		md[k] = val
	}
	returnURL := e.publicURL + "/checkout/return/" + s.ID
	if in.ReturnQuery != "" {
		returnURL += "?" + in.ReturnQuery
	}
	pin := CreatePaymentInput{Amount: s.Amount, Currency: s.Currency.Code, CaptureMethod: s.CaptureMethod, Card: in.Card,
		PaymentMethodID: in.PaymentMethodID, CVC: in.CVC, Description: s.Description, Reference: s.Reference, Metadata: md,
		ReturnURL: returnURL, NotificationURL: s.NotificationURL, Door: s.Door, Config: s.Config, AllowedConfigs: s.AllowedConfigs}
	if s.CustomerID != "" {
		pin.Customer = s.CustomerID
		pin.DoNotSave = !(s.SaveCard || in.SaveCard)
	}
	prev := "first"
	if v.Payment != nil {
		prev = v.Payment.ID
	}
	p, err := e.payOnce(ctx, a, pin, "checkout:"+s.ID+":"+prev)
	if err != nil {
		return v, err
	}
	v.Payment = p
	err = e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.GetCheckoutSessionForUpdate(ctx, s.MerchantID, s.Mode, s.ID)
		if err != nil || cur.Status != checkout.Open {
			return err
		}
		cur.PaymentID, cur.UpdatedAt = p.ID, e.now()
		if p.Status == payment.Authorized || p.Status == payment.Captured {
			cur.Status = checkout.Complete
		}
		v.Session = cur
		if err := tx.UpdateCheckoutSession(ctx, cur); err != nil {
			return err
		}
		return e.sessionCompleted(ctx, tx, cur)
	})
	return v, err
}

// settleCheckout completes an open session whose payment has succeeded
// since (after a 3-D Secure challenge or a pending approval).
func (e *Engine) settleCheckout(ctx context.Context, v *CheckoutView) error {
	p, s := v.Payment, v.Session
	if s.Status != checkout.Open || (p.Status != payment.Authorized && p.Status != payment.Captured) {
		return nil
	}
	return e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.GetCheckoutSessionForUpdate(ctx, s.MerchantID, s.Mode, s.ID)
		if err != nil || cur.Status != checkout.Open || cur.PaymentID != p.ID {
			return err
		}
		cur.Status, cur.UpdatedAt = checkout.Complete, e.now()
		v.Session = cur
		if err := tx.UpdateCheckoutSession(ctx, cur); err != nil {
			return err
		}
		return e.sessionCompleted(ctx, tx, cur)
	})
}

// FormatAmount renders a session's amount for people ("KWD 1.500").
func FormatAmount(amount int64, cur money.Currency) string {
	return cur.Code + " " + money.Format(amount, cur)
}

// CheckoutSessionOf returns the checkout session a payment was made for;
// NotFound for payments made through the API.
func (e *Engine) CheckoutSessionOf(ctx context.Context, p *payment.Payment) (*checkout.Session, error) {
	return e.store.FindCheckoutSessionByPayment(ctx, p.MerchantID, p.Mode, p.ID)
}

// payOnce creates a payment under an internal idempotency key, so callers
// racing with the same key (double submits, two scheduler processes) make
// one payment; a repeat gets that payment back, or the first one's error.
func (e *Engine) payOnce(ctx context.Context, a Actor, in CreatePaymentInput, key string) (*payment.Payment, error) {
	idem := &Idempotency{Key: key, Fingerprint: "internal",
		Render: func(r Result, err error) (int, []byte) {
			if err != nil {
				fe := fault.As(err)
				b, _ := json.Marshal(map[string]string{"code": fe.Code, "message": fe.Message, "param": fe.Param})
				return 400, b
			}
			b, _ := json.Marshal(map[string]string{"payment": r.Payment.ID})
			return 200, b
		}}
	p, replay, err := e.CreatePayment(ctx, a, in, idem)
	if err != nil || replay == nil {
		return p, err
	}
	var r struct{ Payment, Code, Message, Param string }
	_ = json.Unmarshal(replay.Body, &r)
	if r.Payment == "" {
		return nil, fault.InvalidParam(r.Param, r.Code, "%s", r.Message)
	}
	return e.store.GetPayment(ctx, a.MerchantID, a.Mode, r.Payment)
}

// sessionCompleted emits checkout.session.completed and settles the
// session's invoice, in the transaction that completes the session.
func (e *Engine) sessionCompleted(ctx context.Context, tx Tx, s *checkout.Session) error {
	if s.Status != checkout.Complete {
		return nil
	}
	if err := e.emitObject(ctx, tx, s.MerchantID, s.Mode, webhook.CheckoutCompleted, s.ID, s); err != nil {
		return err
	}
	return e.invoicePaid(ctx, tx, s)
}
