package paymentz

import (
	"net/http"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// recurringInitial turns recurringType=INITIAL (or createRegistration=true)
// on /payments into the engine's initial recurring payment: the card is
// kept for the customer (customer.customerId, or one paygate names after
// the merchantTransactionId) with a mandate whose id is the answer's
// registrationId.
func (s *Server) recurringInitial(r *http.Request, a engine.Actor, q Request, in *engine.CreatePaymentInput) error {
	initial := strings.EqualFold(q.Get("recurringType"), "INITIAL") || strings.EqualFold(q.Get("createRegistration"), "true")
	switch {
	case q.Get("recurringType") == "":
	case strings.EqualFold(q.Get("recurringType"), "INITIAL"):
	default:
		return badParam("recurringType on /payments must be INITIAL (REPEATED goes to /payments/{paymentId} or /paywithtoken/{registrationId})")
	}
	if !initial {
		return nil
	}
	ref := q.Get("customer.customerId")
	if ref == "" {
		ref = "paymentz-" + q.Get("merchantTransactionId")
	}
	if _, err := s.e.GetCustomer(r.Context(), a, ref); fault.IsNotFound(err) {
		if _, err := s.e.CreateCustomer(r.Context(), a, engine.CustomerInput{Reference: ref, Email: q.Get("customer.email"),
			Name: strings.TrimSpace(q.Get("customer.givenName") + " " + q.Get("customer.surname"))}); err != nil && fault.KindOf(err) != fault.Conflict {
			return err
		}
	} else if err != nil {
		return err
	}
	in.Recurring, in.Customer = "initial", ref
	return nil
}

// repeated charges a mandate again: recurringType=REPEATED on
// /payments/{paymentId} (the initial payment's mandate; signed
// memberId|secureKey|paymentId|amount) or /paywithtoken/{registrationId}
// (signed memberId|secureKey|registrationId|amount). A repeat with the same
// merchantTransactionId answers the first charge.
func (s *Server) repeated(w http.ResponseWriter, r *http.Request, c *call, mandateID string, currency money.Currency) {
	q := c.req
	mtid := q.Get("merchantTransactionId")
	if mtid == "" || len(mtid) > 255 {
		s.fail(w, r, badParam("merchantTransactionId is required (at most 255 characters)"))
		return
	}
	if cur := q.Get("currency"); cur != "" {
		var err error
		if currency, err = money.Lookup(cur); err != nil {
			s.fail(w, r, badParam("currency must be an ISO 4217 alphabetic code"))
			return
		}
	}
	if currency.Code == "" {
		s.fail(w, r, badParam("currency is required"))
		return
	}
	amount, err := parseAmount("amount", q.Get("amount"), currency)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := c.actor(r)
	if p, found, err := s.existing(r, a, mtid); err != nil || found {
		if err == nil && (p.Amount != amount || p.Mandate != mandateID) {
			err = duplicateErr
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encode(w, r, http.StatusOK, paymentView(p, s.now()))
		return
	}
	in := engine.CreatePaymentInput{Amount: amount, Currency: currency.Code, CaptureMethod: payment.CaptureAutomatic, Recurring: "repeated",
		MandateID: mandateID, Initiator: payment.MerchantInitiated, Reference: mtid, Description: q.Get("orderDescriptor"),
		NotificationURL: q.Get("notificationUrl"), Door: Door + ":" + c.member}
	render := s.storedAnswer(func(res engine.Result) (int, *response) { return http.StatusOK, paymentView(res.Payment, s.now()) })
	fp := Checksum("repeated", mandateID, q.Get("amount"), currency.Code, q.Get("notificationUrl"))
	p, replay, err := s.e.CreatePayment(r.Context(), a, in, &engine.Idempotency{Key: idemPrefix + mtid, Fingerprint: fp, Render: render})
	s.answer(w, r, replay, err, func() (int, *response) { return http.StatusOK, paymentView(p, s.now()) })
}

// payWithToken is POST /paywithtoken/{registrationId}.
func (s *Server) payWithToken(w http.ResponseWriter, r *http.Request, c *call) {
	reg := r.PathValue("registrationId")
	if !checksumMatches(c.req.Get("authentication.checksum"), Checksum(c.member, c.key, reg, c.req.Get("amount"))) {
		s.fail(w, r, errBadChecksum)
		return
	}
	if strings.HasPrefix(reg, "pm_") {
		s.payWithRegistration(w, r, c, reg) // a stand-alone registration: the payer's own payment
		return
	}
	s.repeated(w, r, c, reg, money.Currency{}) // a recurring mandate: merchant-initiated
}
