package paymentz

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

const (
	codeRegistered   = "00002" // registration successful
	codeUnregistered = "00003" // registration successfully deleted
)

// registrations is POST /registrations: stand-alone tokenization, or with
// paymentType=DL the deletion of registrationId.
//
// Checksums: the reference gives memberId|secureKey|registrationId for a
// delete; it gives none for a stand-alone registration, for which paygate
// takes memberId|secureKey|merchantTransactionId (merchantTransactionId is
// then required).
//
// A registration is a card kept for customer.customerId (or a customer
// paygate makes, "paymentz-<merchantTransactionId>"), checked (Luhn,
// expiry) but not charged or verified with the issuer; its registrationId
// (pm_…) pays with /paywithtoken/{registrationId}.
func (s *Server) registrations(w http.ResponseWriter, r *http.Request, c *call) {
	q := c.req
	a := c.actor(r)
	if strings.EqualFold(q.Get("paymentType"), "DL") {
		reg := q.Get("registrationId")
		if !checksumMatches(q.Get("authentication.checksum"), LookupChecksum(c.member, c.key, reg)) {
			s.fail(w, r, errBadChecksum)
			return
		}
		m, err := s.e.GetPaymentMethod(r.Context(), a, reg)
		if err == nil {
			_, err = s.e.DeletePaymentMethod(r.Context(), a, m.CustomerID, reg)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encode(w, r, http.StatusOK, &response{RegistrationID: reg, MemberID: c.member, Result: result{codeUnregistered, "Registration successfully deleted"}, Timestamp: stamp(s.now())})
		return
	}
	mtid := q.Get("merchantTransactionId")
	if !checksumMatches(q.Get("authentication.checksum"), LookupChecksum(c.member, c.key, mtid)) {
		s.fail(w, r, errBadChecksum)
		return
	}
	if mtid == "" || len(mtid) > 255 {
		s.fail(w, r, badParam("merchantTransactionId is required (at most 255 characters)"))
		return
	}
	month, err1 := strconv.Atoi(q.Get("card.expiryMonth"))
	year, err2 := strconv.Atoi(q.Get("card.expiryYear"))
	if q.Get("card.number") == "" || err1 != nil || err2 != nil {
		s.fail(w, r, badParam("card.number, card.expiryMonth and card.expiryYear are required"))
		return
	}
	ref := q.Get("customer.customerId")
	if ref == "" {
		ref = "paymentz-" + mtid
	}
	if _, err := s.e.GetCustomer(r.Context(), a, ref); fault.IsNotFound(err) {
		if _, err := s.e.CreateCustomer(r.Context(), a, engine.CustomerInput{Reference: ref, Email: q.Get("customer.email")}); err != nil && fault.KindOf(err) != fault.Conflict {
			s.fail(w, r, err)
			return
		}
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.e.SaveCard(r.Context(), a, ref, engine.CardInput{Number: q.Get("card.number"), ExpMonth: month, ExpYear: year, Holder: q.Get("card.holder")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	encode(w, r, http.StatusOK, &response{RegistrationID: m.ID, MemberID: c.member, PaymentBrand: brandName(m.Card.Brand), PaymentMode: "CC",
		Result: result{codeRegistered, "Registration successful"}, Timestamp: stamp(s.now())})
}

// payWithRegistration charges a registered card on the payer's behalf
// (customer-initiated; card.cvv may accompany it).
func (s *Server) payWithRegistration(w http.ResponseWriter, r *http.Request, c *call, reg string) {
	q := c.req
	mtid := q.Get("merchantTransactionId")
	if mtid == "" || len(mtid) > 255 {
		s.fail(w, r, badParam("merchantTransactionId is required (at most 255 characters)"))
		return
	}
	if q.Get("paymentType") == "" {
		q["paymentType"] = "DB"
	}
	in, err := paymentInputNoCard(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in.PaymentMethodID, in.CVC = reg, q.Get("card.cvv")
	in.NotificationURL, in.Door = q.Get("notificationUrl"), Door+":"+c.member
	a := c.actor(r)
	if p, found, err := s.existing(r, a, mtid); err != nil || found {
		if err == nil && (p.Amount != in.Amount || p.PaymentMethod != reg) {
			err = duplicateErr
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encode(w, r, http.StatusOK, paymentView(p, s.now()))
		return
	}
	render := s.storedAnswer(func(res engine.Result) (int, *response) { return http.StatusOK, paymentView(res.Payment, s.now()) })
	fp := Checksum("registration", reg, q.Get("amount"), in.Currency, q.Get("paymentType"), q.Get("notificationUrl"))
	p, replay, err := s.e.CreatePayment(r.Context(), a, in, &engine.Idempotency{Key: idemPrefix + mtid, Fingerprint: fp, Render: render})
	s.answer(w, r, replay, err, func() (int, *response) { return http.StatusOK, paymentView(p, s.now()) })
}
