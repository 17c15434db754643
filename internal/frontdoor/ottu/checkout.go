package ottu

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/pmconfig"
)

// Metadata keys holding Ottu's fields on the session (and so on its payments).
const (
	mdType        = "ottu_type"
	mdPaymentType = "ottu_payment_type"
	mdPGCodes     = "ottu_pg_codes"
	mdRedirect    = "ottu_redirect_url"
	mdCheckoutURL = "ottu_checkout_url"
	mdCustomerID  = "ottu_customer_id"
	mdAgreement   = "ottu_agreement_id"
	mdQR          = "ottu_generate_qr_code" // "true" when qr_code_url is shown
	mdCustomer    = "ottu_"                 // + customer_email, customer_first_name, … (signed fields)
)

// customerFields are the signed customer fields kept as metadata.
var customerFields = []string{"customer_email", "customer_first_name", "customer_last_name", "customer_phone",
	"customer_address_line1", "customer_address_line2", "customer_address_city", "customer_address_state",
	"customer_address_country", "customer_address_postal_code"}

func (req *CheckoutRequest) customerValues() map[string]string {
	m := map[string]string{"customer_email": req.CustomerEmail, "customer_first_name": req.CustomerFirstName,
		"customer_last_name": req.CustomerLastName, "customer_phone": req.CustomerPhone}
	if b := req.BillingAddress; b != nil {
		m["customer_address_line1"], m["customer_address_line2"], m["customer_address_city"] = b.Line1, b.Line2, b.City
		m["customer_address_state"], m["customer_address_country"], m["customer_address_postal_code"] = b.State, b.Country, b.PostalCode
	}
	return m
}

// metadata is the session metadata for the request's Ottu fields; with
// partial, only the fields the body carried (an empty value removes one).
func (req *CheckoutRequest) metadata(partial bool) map[string]string {
	md := map[string]string{}
	set := func(field, key, v string) {
		if !partial || req.has(field) {
			md[key] = v
		}
	}
	set("type", mdType, req.Type)
	pt := req.PaymentType
	if pt == "" && !partial {
		pt = OneOff
	}
	set("payment_type", mdPaymentType, pt)
	set("pg_codes", mdPGCodes, strings.Join(req.PGCodes, " "))
	set("redirect_url", mdRedirect, req.RedirectURL)
	set("redirect_url", checkout.ReturnOriginsKey, origin(req.RedirectURL))
	set("customer_id", mdCustomerID, req.CustomerID)
	// "false" rather than "" so that a PUT without it turns it off.
	qr := "false"
	if req.GenerateQRCode {
		qr = "true"
	}
	set("generate_qr_code", mdQR, qr)
	if req.Agreement != nil {
		set("agreement", mdAgreement, req.Agreement.ID)
	}
	for k, v := range req.customerValues() {
		field := k
		if strings.HasPrefix(k, "customer_address_") {
			field = "billing_address"
		}
		set(field, mdCustomer+k, v)
	}
	if !partial {
		for k, v := range md {
			if v == "" {
				delete(md, k)
			}
		}
	}
	return md
}

// amount parses Ottu's decimal amount in the currency's minor units.
func amount(d decimal, cur money.Currency) (int64, error) {
	v, err := money.Parse(string(d), cur)
	if err != nil || v <= 0 {
		return 0, fieldErr("amount", "Enter a positive amount with at most "+strconv.Itoa(cur.Exponent)+" decimal places for "+cur.Code+".")
	}
	return v, nil
}

func currency(code string) (money.Currency, error) {
	c, err := money.Lookup(strings.ToUpper(code))
	if err != nil {
		return money.Currency{}, fieldErr("currency_code", "\""+code+"\" is not a valid choice.")
	}
	return c, nil
}

// configs returns the pg_codes' configurations, after the engine checked
// that the actor may use each and that each accepts the currency.
func (s *Server) configs(ctx context.Context, a engine.Actor, codes []string, cur string) ([]*pmconfig.Config, error) {
	if err := s.e.CheckConfigs(ctx, a, codes, cur); err != nil {
		return nil, err
	}
	all, err := s.e.ConfigsInMode(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []*pmconfig.Config
	for _, code := range codes {
		for _, c := range all {
			if c.Code == code && c.Mode == a.Mode {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// customer finds the payer by the merchant's customer_id, creating the
// customer on first use (Ottu keys tokenization by customer_id alone).
func (s *Server) customer(ctx context.Context, a engine.Actor, req *CheckoutRequest) (string, error) {
	if req.CustomerID == "" {
		return "", nil
	}
	c, err := s.e.GetCustomer(ctx, a, req.CustomerID)
	if fault.IsNotFound(err) {
		name := strings.TrimSpace(req.CustomerFirstName + " " + req.CustomerLastName)
		c, err = s.e.CreateCustomer(ctx, a, engine.CustomerInput{Reference: req.CustomerID, Email: req.CustomerEmail, Name: name})
	}
	if err != nil {
		if fe := fault.As(err); fe.Kind == fault.Invalid {
			return "", fieldErr("customer_id", fe.Message)
		}
		return "", err
	}
	return c.ID, nil
}

// returnURL is where the hosted page sends the payer: the door's return
// page, which waits for the webhook's answer before redirect_url.
func (s *Server) returnURL(a engine.Actor, sessionID string) string {
	q := url.Values{"m": {a.MerchantID}, "mode": {string(a.Mode)}}
	if sessionID != "" {
		q.Set("session_id", sessionID)
	}
	return s.public + "/b/checkout/v1/return/?" + q.Encode()
}

// createCheckout is POST /b/checkout/v1/pymt-txn/.
func (s *Server) createCheckout(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.limit))
	if err != nil {
		s.fail(w, r, fieldErr("non_field_errors", "The request body is too large or unreadable."))
		return
	}
	req, err := ParseCheckoutRequest(b, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cur, err := currency(req.CurrencyCode)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	minor, err := amount(req.Amount, cur)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cfgs, err := s.configs(ctx, a, req.PGCodes, cur.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	capture := payment.CaptureAutomatic
	if len(cfgs) > 0 && cfgs[0].Operation == "authorize" {
		capture = payment.CaptureManual
	}
	if req.PaymentType == AutoDebit {
		for _, c := range cfgs {
			if !c.Tokenizable && !c.AutoDebit {
				s.fail(w, r, fieldErr("pg_codes", "Payment gateway "+c.Code+" does not support auto_debit."))
				return
			}
		}
	}
	cust, err := s.customer(ctx, a, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ttl := 24 * time.Hour
	if req.ExpirationTime != "" {
		ttl, _ = ParseExpiration(req.ExpirationTime)
	}
	in := engine.CheckoutInput{Amount: minor, Currency: cur.Code, CaptureMethod: capture, Customer: cust,
		SaveCard: req.PaymentType == SaveCard || req.PaymentType == AutoDebit, Reference: req.OrderNo, Locale: req.Language,
		SuccessURL: s.returnURL(a, ""), CancelURL: s.returnURL(a, ""), NotificationURL: req.WebhookURL, ExpiresIn: ttl,
		Metadata: req.metadata(false), Door: Door}
	if len(req.PGCodes) == 1 {
		in.Config = req.PGCodes[0] // one code decides
	} else {
		in.AllowedConfigs = req.PGCodes // several leave the choice to routing, among those only
	}
	created, err := s.e.CreateCheckoutSession(ctx, a, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The return page needs the session id; the checkout URL is shown by
	// retrieve too, as Ottu does (the token is stored only as a hash).
	back := s.returnURL(a, created.Session.ID)
	sess, err := s.e.ChangeCheckoutSession(ctx, a, created.Session.ID, engine.CheckoutChange{SuccessURL: &back, CancelURL: &back,
		Metadata: map[string]string{mdCheckoutURL: created.URL}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.view(ctx, a, sess, nil, nil))
}

// session loads a session the door may show (not deleted through it).
func (s *Server) session(ctx context.Context, a engine.Actor, id string) (*checkout.Session, *payment.Payment, []*payment.Operation, error) {
	sess, err := s.e.GetCheckoutSession(ctx, a, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if sess.Metadata[closedKey] == "deleted" {
		return nil, nil, nil, fault.NotFoundf("checkout session", id)
	}
	if sess.PaymentID == "" {
		return sess, nil, nil, nil
	}
	p, ops, err := s.e.GetPayment(ctx, a, sess.PaymentID)
	if err != nil {
		return nil, nil, nil, err
	}
	return sess, p, ops, nil
}

// getCheckout is GET /b/checkout/v1/pymt-txn/{session_id}/.
func (s *Server) getCheckout(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	sess, p, ops, err := s.session(ctx, a, r.PathValue("session_id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.view(ctx, a, sess, p, ops))
}

// updateCheckout is PUT (full) and PATCH (partial): only while nothing has
// been attempted. webhook_url and language are fixed at creation.
func (s *Server) updateCheckout(partial bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, a := r.Context(), actorOf(r)
		b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.limit))
		if err != nil {
			s.fail(w, r, fieldErr("non_field_errors", "The request body is too large or unreadable."))
			return
		}
		req, err := ParseCheckoutRequest(b, partial)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sess, _, _, err := s.session(ctx, a, r.PathValue("session_id"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, f := range []string{"webhook_url", "language"} {
			if req.has(f) {
				old := sess.NotificationURL
				if f == "language" {
					old = sess.Locale
				}
				if v := map[string]string{"webhook_url": req.WebhookURL, "language": req.Language}[f]; v != old {
					s.fail(w, r, fieldErr(f, "This field cannot be changed after the session is created."))
					return
				}
			}
		}
		ch := engine.CheckoutChange{Metadata: req.metadata(partial)}
		cur := sess.Currency
		if req.has("currency_code") {
			if cur, err = currency(req.CurrencyCode); err != nil {
				s.fail(w, r, err)
				return
			}
			ch.Currency = &cur.Code
		}
		if req.has("amount") || req.has("currency_code") {
			d := req.Amount
			if !req.has("amount") {
				d = decimal(money.Format(sess.Amount, sess.Currency))
			}
			minor, err := amount(d, cur)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			ch.Amount = &minor
		}
		codes := req.PGCodes
		if !req.has("pg_codes") {
			codes = strings.Fields(sess.Metadata[mdPGCodes])
		} else {
			ch.Configs = &codes // the payment goes through the new codes, not only the answer
		}
		if _, err := s.configs(ctx, a, codes, cur.Code); err != nil {
			s.fail(w, r, err)
			return
		}
		if req.has("customer_id") {
			cust, err := s.customer(ctx, a, req)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			ch.Customer = &cust
		}
		if req.has("payment_type") {
			save := req.PaymentType != OneOff
			ch.SaveCard = &save
		}
		if req.has("order_no") {
			ch.Reference = &req.OrderNo
		}
		if req.ExpirationTime != "" {
			d, _ := ParseExpiration(req.ExpirationTime)
			ch.ExpiresIn = &d
		}
		sess, err = s.e.ChangeCheckoutSession(ctx, a, sess.ID, ch)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.view(ctx, a, sess, nil, nil))
	}
}

// origin is a URL's scheme://host, or "" (the return page sends the payer
// on to redirect_url: see checkout.ReturnOriginsKey).
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
