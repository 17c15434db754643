package opentrade

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// refundKeyPrefix namespaces the door's RefundIDs among the merchant's
// idempotency keys.
const refundKeyPrefix = "opentrade-refund:"

const refundAnswer = "RefundAnswer"

// refund is POST /opentrade/v1/refund. The RefundID is the engine
// idempotency key, and stays on the refund operation: a repeat answers the
// first result, even after idempotency records are reaped.
func (s *Server) refund(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := s.values(w, r); err != nil {
		s.callFailed(w, r, refundAnswer, fault.InvalidParam("body", "parameter_invalid", "the request body is too large or unreadable"))
		return
	}
	f, err := callFields(r.Form, "MemberID", "TransactionID", "PaymentID", "Amount", "Currency", "RefundID", "Timestamp")
	if err != nil {
		s.callFailed(w, r, refundAnswer, err)
		return
	}
	q := RefundRequest{MemberID: f["MemberID"], TransactionID: f["TransactionID"], PaymentID: f["PaymentID"], Amount: f["Amount"],
		Currency: f["Currency"], RefundID: f["RefundID"], Timestamp: f["Timestamp"]}
	cred, err := s.authenticate(ctx, q.MemberID, q.Canonical(), f["Signature"], q.Timestamp)
	switch {
	case err != nil:
	case q.TransactionID == "" && q.PaymentID == "":
		err = fault.InvalidParam("TransactionID", "parameter_missing", "TransactionID or PaymentID is required")
	case q.RefundID == "":
		err = fault.InvalidParam("RefundID", "parameter_missing", "is required (your id for this refund)")
	case len(q.RefundID) > 64:
		err = fault.InvalidParam("RefundID", "parameter_invalid", "must be at most 64 characters")
	}
	if err != nil {
		s.callFailed(w, r, refundAnswer, err)
		return
	}
	p, ops, err := s.find(ctx, cred, q.TransactionID, q.PaymentID)
	if err != nil {
		s.callFailed(w, r, refundAnswer, err)
		return
	}
	amount, err := refundAmount(q, p)
	if err != nil {
		s.callFailed(w, r, refundAnswer, err)
		return
	}
	key := refundKeyPrefix + q.RefundID
	for _, op := range ops {
		if op.IdempotencyKey == key {
			if op.Kind != payment.OpRefund || (amount != nil && *amount != op.Amount) {
				s.callFailed(w, r, refundAnswer, fault.New(fault.IdempotencyMismatch, "idempotency_mismatch", "RefundID reused"))
				return
			}
			status, body := refundBody(p, op, q.RefundID, nil)
			writeRaw(w, status, body)
			return
		}
	}
	sum := sha256.Sum256([]byte(p.ID + "|" + q.Amount + "|" + q.Currency))
	idem := &engine.Idempotency{Key: key, Fingerprint: "opentrade:" + hex.EncodeToString(sum[:16]),
		Render: func(res engine.Result, err error) (int, []byte) {
			rp := res.Payment
			if rp == nil {
				rp = p
			}
			return refundBody(rp, res.Operation, q.RefundID, err)
		}}
	md := map[string]string{"opentrade_refund_id": q.RefundID}
	op, np, replay, err := s.e.Refund(ctx, cred.Actor(), p.ID, engine.RefundInput{Amount: amount, Metadata: md}, idem)
	if replay != nil {
		writeRaw(w, replay.Status, replay.Body)
		return
	}
	if np == nil {
		np = p
	}
	if fe := fault.As(err); fe != nil && fe.Code == "amount_too_large" && amount != nil {
		// The engine counts in minor units; this wire speaks decimals.
		err = fault.InvalidParam("Amount", "amount_too_large", "%s exceeds the %s that can still be refunded",
			money.Format(*amount, p.Currency), money.Format(max(np.Refundable(), 0), p.Currency))
	}
	status, body := refundBody(np, op, q.RefundID, err)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(ctx, "opentrade refund failed", "payment", p.ID, "err", err)
	}
	writeRaw(w, status, body)
}

// refundAmount is the call's amount in minor units (nil: what is left).
func refundAmount(q RefundRequest, p *payment.Payment) (*int64, error) {
	if q.Amount == "" {
		if q.Currency != "" && !sameCurrency(q.Currency, p.Currency) {
			return nil, fault.InvalidParam("Currency", "currency_mismatch", "is not the payment's currency (%s)", p.Currency.Numeric)
		}
		return nil, nil
	}
	if q.Currency == "" {
		return nil, fault.InvalidParam("Currency", "parameter_missing", "is required with Amount (an ISO 4217 numeric code such as %s)", p.Currency.Numeric)
	}
	if !sameCurrency(q.Currency, p.Currency) {
		return nil, fault.InvalidParam("Currency", "currency_mismatch", "is not the payment's currency (%s)", p.Currency.Numeric)
	}
	v, err := money.Parse(q.Amount, p.Currency)
	if err != nil || strings.HasPrefix(q.Amount, "-") || v <= 0 {
		return nil, fault.InvalidParam("Amount", "parameter_invalid", "%q is not a positive amount in %s (a decimal with a dot, such as %s)",
			clip(q.Amount), p.Currency.Code, money.Format(50015, p.Currency))
	}
	return &v, nil
}

func sameCurrency(given string, c money.Currency) bool {
	return given == c.Numeric || strings.EqualFold(given, c.Code)
}

// refundBody is a refund's answer from the payment and its refund
// operation: the same for the first request and every repeat. A declined
// refund answers Declined with the failed refund in the Result.
func refundBody(p *payment.Payment, op *payment.Operation, refundID string, err error) (int, []byte) {
	a := &CallAnswer{XMLName: xml.Name{Local: refundAnswer}, ErrorCode: CodeOk}
	status := http.StatusOK
	if err != nil && (op == nil || fault.KindOf(err) != fault.Declined) {
		status, a.ErrorCode, a.ErrorDescription = callError(err)
		return status, callBody(a)
	}
	a.Result = statusOf(p)
	if op != nil {
		rs := RefundSucceeded
		switch op.Status {
		case payment.OpPending:
			rs = RefundPending
		case payment.OpFailed:
			rs = RefundFailed
			status, a.ErrorCode, a.ErrorDescription = http.StatusPaymentRequired, CodeDeclined, op.FailureMessage
		}
		a.Result.Refund = &RefundResult{RefundID: refundID, Amount: money.Format(op.Amount, p.Currency), Status: rs}
	}
	return status, callBody(a)
}
