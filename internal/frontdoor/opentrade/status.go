package opentrade

import (
	"context"
	"encoding/xml"
	"net/http"
	"strconv"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// Statuses a status answer may carry beyond the notification's.
const (
	StatusPending           = "pending"            // not paid yet: processing, awaiting the payer or the processor
	StatusPartiallyRefunded = "partially_refunded" // paid, and part of it refunded
)

// Refund statuses of a refund answer.
const (
	RefundSucceeded = "succeeded"
	RefundPending   = "pending" // sent to the processor, outcome not known yet
	RefundFailed    = "failed"
)

// PaymentStatus is the Result of a status or refund answer; every amount
// in the payment's currency as the notification writes it.
type PaymentStatus struct {
	TransactionID    string        `xml:"TransactionID"`
	OrderID          string        `xml:"orderID,omitempty"`
	PaymentID        string        `xml:"PaymentID"`
	UserID           string        `xml:"UserID"`
	Amount           string        `xml:"Amount"`
	Currency         string        `xml:"Currency"`
	Status           string        `xml:"Status"`
	RefundedAmount   string        `xml:"RefundedAmount"`
	RefundableAmount string        `xml:"RefundableAmount"`
	Refund           *RefundResult `xml:"Refund,omitempty"`
}

// RefundResult is the refund a refund answer made (or repeated).
type RefundResult struct {
	RefundID string `xml:"RefundID"`
	Amount   string `xml:"Amount"`
	Status   string `xml:"Status"`
}

// CallAnswer is the answer of a status call (element PaymentStatusAnswer)
// or a refund call (RefundAnswer): ErrorCode Ok with a Result, or another
// code with ErrorDescription, in the PaymentFormAnswer's shape.
type CallAnswer struct {
	XMLName          xml.Name
	ErrorCode        string         `xml:"ErrorCode"`
	ErrorDescription string         `xml:"ErrorDescription,omitempty"`
	Result           *PaymentStatus `xml:"Result,omitempty"`
}

// doorStatus is a payment's status in the door's words.
func doorStatus(p *payment.Payment) string {
	switch p.Status {
	case payment.Captured:
		return StatusSuccess
	case payment.PartiallyRefunded:
		return StatusPartiallyRefunded
	case payment.Refunded:
		return StatusRefunded
	case payment.Failed, payment.Expired, payment.Voided:
		return StatusFail
	}
	return StatusPending
}

// statusOf is a payment's Result.
func statusOf(p *payment.Payment) *PaymentStatus {
	return &PaymentStatus{TransactionID: p.ID, OrderID: p.Metadata[metaOrderID], PaymentID: p.Metadata[metaPaymentID], UserID: p.Metadata[metaUserID],
		Amount: money.Format(p.Amount, p.Currency), Currency: p.Currency.Numeric, Status: doorStatus(p),
		RefundedAmount: money.Format(p.Refunded, p.Currency), RefundableAmount: money.Format(p.Refundable(), p.Currency)}
}

// find is the member's payment a call names: by TransactionID, or by
// PaymentID the paid attempt (else the latest). A payment of another
// member, or not made through the door, is not found.
func (s *Server) find(ctx context.Context, cred *engine.DoorCredential, txID, paymentID string) (*payment.Payment, []*payment.Operation, error) {
	a := cred.Actor()
	member := strconv.FormatInt(cred.MemberID, 10)
	mine := func(p *payment.Payment) bool {
		return p.Door == Door && p.Metadata[metaMember] == member && (paymentID == "" || p.Metadata[metaPaymentID] == paymentID)
	}
	notFound := fault.New(fault.NotFound, "payment_not_found", "no payment of this member has this TransactionID or PaymentID")
	if txID != "" {
		p, ops, err := s.e.GetPayment(ctx, a, txID)
		if fault.IsNotFound(err) || (err == nil && !mine(p)) {
			return nil, nil, notFound
		}
		return p, ops, err
	}
	ps, _, err := s.e.ListPayments(ctx, a, engine.PaymentFilter{Reference: paymentID, Limit: 100})
	if err != nil {
		return nil, nil, err
	}
	var found *payment.Payment
	for _, p := range ps { // newest first
		if !mine(p) {
			continue
		}
		if found == nil || (p.Captured > 0 && found.Captured == 0) {
			found = p
		}
	}
	if found == nil {
		return nil, nil, notFound
	}
	return s.e.GetPayment(ctx, a, found.ID)
}

// status is POST /opentrade/v1/status.
func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	const name = "PaymentStatusAnswer"
	if err := s.values(w, r); err != nil {
		s.callFailed(w, r, name, fault.InvalidParam("body", "parameter_invalid", "the request body is too large or unreadable"))
		return
	}
	f, err := callFields(r.Form, "MemberID", "TransactionID", "PaymentID", "Timestamp")
	if err != nil {
		s.callFailed(w, r, name, err)
		return
	}
	q := StatusRequest{MemberID: f["MemberID"], TransactionID: f["TransactionID"], PaymentID: f["PaymentID"], Timestamp: f["Timestamp"]}
	cred, err := s.authenticate(r.Context(), q.MemberID, q.Canonical(), f["Signature"], q.Timestamp)
	if err == nil && q.TransactionID == "" && q.PaymentID == "" {
		err = fault.InvalidParam("TransactionID", "parameter_missing", "TransactionID or PaymentID is required")
	}
	if err != nil {
		s.callFailed(w, r, name, err)
		return
	}
	p, _, err := s.find(r.Context(), cred, q.TransactionID, q.PaymentID)
	if err != nil {
		s.callFailed(w, r, name, err)
		return
	}
	writeCall(w, http.StatusOK, &CallAnswer{XMLName: xml.Name{Local: name}, ErrorCode: CodeOk, Result: statusOf(p)})
}
