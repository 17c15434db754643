package paymentz

import (
	"errors"
	"net/http"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// backoffice is POST /payments/{paymentId} (and its alias /inquiry): CP
// capture, RF refund, RV reversal, IN inquiry. Each checksum is verified
// on the raw strings first (§2.5).
func (s *Server) backoffice(w http.ResponseWriter, r *http.Request, c *call) {
	q := c.req
	pathID := r.PathValue("paymentId")
	typ := q.Get("paymentType")
	if typ == "" && pathID == "" {
		typ = "IN" // /inquiry
	}
	if strings.EqualFold(q.Get("recurringType"), "REPEATED") {
		if !checksumMatches(q.Get("authentication.checksum"), FollowUpChecksum(c.member, c.key, pathID, q.Get("amount"))) {
			s.fail(w, r, errBadChecksum)
			return
		}
		first, _, err := s.find(r, c.actor(r), q, pathID)
		if err == nil && first.Mandate == "" {
			err = fault.New(fault.Conflict, "not_recurring", "payment %s was not an initial recurring payment", pathID)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.repeated(w, r, c, first.Mandate, first.Currency)
		return
	}
	switch typ {
	case "CP", "RF":
		if !checksumMatches(q.Get("authentication.checksum"), FollowUpChecksum(c.member, c.key, pathID, q.Get("amount"))) {
			s.fail(w, r, errBadChecksum)
			return
		}
	case "RV", "IN":
		if !checksumMatches(q.Get("authentication.checksum"), LookupChecksum(c.member, c.key, lookupID(q, pathID))) {
			s.fail(w, r, errBadChecksum)
			return
		}
	case "":
		s.fail(w, r, badParam("paymentType is required (CP, RF, RV or IN)"))
		return
	default:
		s.fail(w, r, badParam("paymentType must be CP, RF, RV or IN on /payments/{paymentId}"))
		return
	}
	a := c.actor(r)
	p, ops, err := s.find(r, a, q, pathID)
	if unpaid := (*unpaidSession)(nil); typ == "IN" && errors.As(err, &unpaid) {
		v := s.sessionView(r.Context(), a, unpaid.sess, "")
		v.Result = result{codeRecordFound, "Record found"}
		encode(w, r, http.StatusOK, v)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch typ {
	case "IN":
		v := paymentView(p, s.now())
		v.Result = result{codeRecordFound, "Record found"}
		encode(w, r, http.StatusOK, v)
	case "RV":
		s.reverse(w, r, a, p)
	case "CP":
		s.capture(w, r, a, p, q)
	case "RF":
		s.refund(w, r, a, p, ops, q)
	}
}

// lookupID is what RV and IN sign: the merchantTransactionId with idType=MID, else the paymentId.
func lookupID(q Request, pathID string) string {
	if strings.EqualFold(q.Get("idType"), "MID") {
		if m := q.Get("merchantTransactionId"); m != "" {
			return m
		}
	}
	return pathID
}

// find resolves the paymentId (or, with idType=MID, the
// merchantTransactionId: the newest payment with that reference).
func (s *Server) find(r *http.Request, a engine.Actor, q Request, pathID string) (*payment.Payment, []*payment.Operation, error) {
	id := NativeID(pathID)
	if strings.EqualFold(q.Get("idType"), "MID") {
		ps, _, err := s.e.ListPayments(r.Context(), a, engine.PaymentFilter{Reference: lookupID(q, pathID), Limit: 1})
		if err != nil {
			return nil, nil, err
		}
		if len(ps) == 0 {
			sess, err := s.reservedSession(r.Context(), a, lookupID(q, pathID))
			if err != nil {
				return nil, nil, fault.NotFoundf("payment", "")
			}
			return s.findSession(r.Context(), a, sess.ID)
		}
		if sid := ps[0].Metadata["checkout_session"]; sid != "" && ps[0].Metadata[metaAsync] != "" {
			return s.findSession(r.Context(), a, sid) // the session decides while the payer may still pay
		}
		id = ps[0].ID
	}
	if id == "" {
		return nil, nil, fault.NotFoundf("payment", "")
	}
	p, ops, err := s.e.GetPayment(r.Context(), a, id)
	if fault.IsNotFound(err) && !strings.EqualFold(q.Get("idType"), "MID") {
		return s.findSession(r.Context(), a, sessionOfPaymentID(pathID)) // a hosted-page payment's paymentId
	}
	return p, ops, err
}

// amountOf parses a CP or RF amount in the payment's currency; a currency
// parameter, when sent, must be the payment's.
func amountOf(q Request, p *payment.Payment) (int64, error) {
	if c := q.Get("currency"); c != "" && !strings.EqualFold(c, p.Currency.Code) {
		return 0, badParam("currency must be the payment's currency %s", p.Currency.Code)
	}
	return parseAmount("amount", q.Get("amount"), p.Currency)
}

func (s *Server) capture(w http.ResponseWriter, r *http.Request, a engine.Actor, p *payment.Payment, q Request) {
	amount, err := amountOf(q, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ok := func(res engine.Result) (int, *response) {
		rs := result{codePending, "Transaction pending"}
		if res.Payment.Status == payment.Captured {
			rs = result{codeCaptured, "Captured successfully"}
		}
		return http.StatusOK, backofficeView(res.Payment, rs, s.now())
	}
	got, replay, err := s.e.Capture(r.Context(), a, p.ID, &amount, &engine.Idempotency{Key: idemPrefix + "CP:" + p.ID, Fingerprint: q.Get("amount"), Render: s.storedAnswer(ok)})
	s.answer(w, r, replay, err, func() (int, *response) { return ok(engine.Result{Payment: got}) })
}

func (s *Server) reverse(w http.ResponseWriter, r *http.Request, a engine.Actor, p *payment.Payment) {
	ok := func(res engine.Result) (int, *response) {
		rs := result{codePending, "Transaction pending"}
		if res.Payment.Status == payment.Voided {
			rs = result{codeCancelled, "Cancelled successfully"}
		}
		return http.StatusOK, backofficeView(res.Payment, rs, s.now())
	}
	got, replay, err := s.e.Void(r.Context(), a, p.ID, &engine.Idempotency{Key: idemPrefix + "RV:" + p.ID, Render: s.storedAnswer(ok)})
	s.answer(w, r, replay, err, func() (int, *response) { return ok(engine.Result{Payment: got}) })
}

// refund sends RF. The seed document says a transaction cannot be refunded
// more than once: a second RF of the same amount is answered with the first
// one's outcome (a retry), of another amount refused.
func (s *Server) refund(w http.ResponseWriter, r *http.Request, a engine.Actor, p *payment.Payment, ops []*payment.Operation, q Request) {
	amount, err := amountOf(q, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ok := func(res engine.Result) (int, *response) {
		return http.StatusOK, backofficeView(p, refundResult(res.Operation), s.now())
	}
	for _, op := range ops {
		if op.Kind == payment.OpRefund && op.Status != payment.OpFailed {
			if op.Amount != amount {
				s.fail(w, r, fault.New(fault.Conflict, "already_refunded", "this transaction has already been refunded; it can be refunded only once"))
				return
			}
			status, body := ok(engine.Result{Operation: op})
			encode(w, r, status, body)
			return
		}
	}
	op, _, replay, err := s.e.Refund(r.Context(), a, p.ID, engine.RefundInput{Amount: &amount},
		&engine.Idempotency{Key: idemPrefix + "RF:" + p.ID, Fingerprint: q.Get("amount"), Render: s.storedAnswer(ok)})
	s.answer(w, r, replay, err, func() (int, *response) { return ok(engine.Result{Operation: op}) })
}

func refundResult(op *payment.Operation) result {
	switch op.Status {
	case payment.OpSucceeded:
		return result{codeRefunded, "Refunded successfully"}
	case payment.OpPending:
		return result{codePending, "Transaction pending"}
	}
	return result{codeDeclined, "Refund declined"}
}
