package ottu

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// cardsRequest is the body of POST /b/pbl/v2/card/ (User Cards list).
type cardsRequest struct {
	Type        string   `json:"type"`
	CustomerID  string   `json:"customer_id"`
	PGCodes     []string `json:"pg_codes"`
	AgreementID string   `json:"agreement_id"`
}

// listCards answers the customer's saved cards in Ottu's shape; the token
// is the saved card's id (pm_…). Card numbers are only ever masked.
func (s *Server) listCards(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	var req cardsRequest
	if err := s.readJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case req.Type != "sandbox" && req.Type != "production":
		s.fail(w, r, fieldErr("type", "This field is required: sandbox or production."))
		return
	case req.CustomerID == "":
		s.fail(w, r, fieldErr("customer_id", "This field is required."))
		return
	}
	pms, err := s.e.ListPaymentMethods(ctx, a, req.CustomerID)
	if fault.IsNotFound(err) {
		writeJSON(w, http.StatusOK, []any{})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := ""
	if len(req.PGCodes) > 0 {
		pg = req.PGCodes[0]
	}
	now := s.now()
	out := []map[string]any{}
	for i, m := range pms {
		expired := m.Card.ExpYear < now.Year() || m.Card.ExpYear == now.Year() && m.Card.ExpMonth < int(now.Month())
		out = append(out, map[string]any{"brand": m.Card.Brand, "customer_id": req.CustomerID, "cvv_required": false,
			"expiry_month": fmt.Sprintf("%02d", m.Card.ExpMonth), "expiry_year": fmt.Sprintf("%02d", m.Card.ExpYear%100),
			"is_expired": expired, "is_preferred": i == 0, "name_on_card": m.Card.Holder, "number": maskLast4(m.Card.Last4),
			"pg_code": pg, "pg_name": pg, "token": m.ID, "agreements": []string{}})
		if req.AgreementID != "" {
			break // at most one card for an agreement
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// deleteCard is DELETE /b/pbl/v2/card/{token}/?customer_id=..&type=..
func (s *Server) deleteCard(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("customer_id") == "" {
		s.fail(w, r, fieldErr("customer_id", "This field is required."))
		return
	}
	if _, err := s.e.DeletePaymentMethod(r.Context(), actorOf(r), q.Get("customer_id"), r.PathValue("token")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// autoDebitRequest is the body of POST /b/pbl/v2/payment/auto-debit/.
type autoDebitRequest struct {
	SessionID string `json:"session_id"`
	Token     string `json:"token"`
}

// autoDebit charges an auto_debit session with the customer's saved card,
// merchant-initiated (the payer is absent), and links the payment to the
// session. The answer is the payment webhook's body.
func (s *Server) autoDebit(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	var req autoDebitRequest
	if err := s.readJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.SessionID == "" || req.Token == "" {
		s.fail(w, r, fieldErr(map[bool]string{true: "session_id", false: "token"}[req.SessionID == ""], "This field is required."))
		return
	}
	sess, _, _, err := s.session(ctx, a, req.SessionID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sess.Metadata[mdPaymentType] != AutoDebit || sess.CustomerID == "" {
		s.fail(w, r, fieldErr("session_id", "The session is not an auto_debit session."))
		return
	}
	if err := sess.Payable(s.now()); err != nil || sess.PaymentID != "" || sess.Status != checkout.Open {
		s.fail(w, r, errBadState)
		return
	}
	md := map[string]string{"checkout_session": sess.ID}
	for k, v := range sess.Metadata {
		if !strings.HasPrefix(k, mdCheckoutURL) {
			md[k] = v
		}
	}
	codes := strings.Fields(sess.Metadata[mdPGCodes])
	in := engine.CreatePaymentInput{Amount: sess.Amount, Currency: sess.Currency.Code, CaptureMethod: sess.CaptureMethod,
		PaymentMethodID: req.Token, Customer: sess.CustomerID, Initiator: payment.MerchantInitiated, Reference: sess.Reference,
		Metadata: md, NotificationURL: sess.NotificationURL, Door: sess.Door}
	if len(codes) > 0 {
		in.Config = codes[0]
	}
	p, replay, err := s.e.CreatePayment(ctx, a, in, &engine.Idempotency{Key: "ottu:auto-debit:" + sess.ID, Fingerprint: req.Token,
		Render: func(engine.Result, error) (int, []byte) { return 200, []byte("{}") }})
	if err != nil {
		if fe := fault.As(err); fe.Kind == fault.Invalid {
			err = fieldErr("token", fe.Message)
		}
		s.fail(w, r, err)
		return
	}
	if replay != nil {
		s.fail(w, r, fault.New(fault.Conflict, "in_progress", "An auto-debit for this session was already made."))
		return
	}
	if sess, err = s.e.ChangeCheckoutSession(ctx, a, sess.ID, engine.CheckoutChange{PaymentID: p.ID}); err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view(ctx, a, sess, p, nil)
	v["result"] = Result(p)
	v["timestamp_utc"] = stamp(time.Now())
	writeJSON(w, http.StatusOK, v)
}
