package smartpay

import (
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/payment"
)

// SmartPay payment statuses. The first six and AUTHORIZATION_PENDING are
// the vendor's (AUTORIZATION_INITIALIZED is the vendor's own spelling);
// the vendor's documentation is silent on cancellation, refund, failure
// and expiry, so the ones marked "paygate" are defined here and listed in
// docs/migrate-smartpay.md.
const (
	StatusCreated                  = "CREATED"
	StatusAuthorizationInitialized = "AUTORIZATION_INITIALIZED" // sic
	StatusAuthorizationPending     = "AUTHORIZATION_PENDING"
	StatusAuthorizationCompleted   = "AUTHORIZATION_COMPLETED"
	StatusCapturePending           = "CAPTURE_PENDING"
	StatusCaptured                 = "CAPTURED"
	StatusSettled                  = "SETTLED"
	StatusAuthorizationFailed      = "AUTHORIZATION_FAILED" // paygate
	StatusCancelPending            = "CANCEL_PENDING"       // paygate
	StatusCancelled                = "CANCELLED"            // paygate
	StatusRefundPending            = "REFUND_PENDING"       // paygate
	StatusPartiallyRefunded        = "PARTIALLY_REFUNDED"   // paygate
	StatusRefunded                 = "REFUNDED"             // paygate
	StatusExpired                  = "EXPIRED"              // paygate
)

// statusTable maps paygate's payment statuses onto SmartPay's. It is the
// one table; statusOf refines four rows by what is in flight:
//
//	no payment yet          CREATED (EXPIRED once the checkout expired)
//	authorized + capture in flight → CAPTURE_PENDING, + void in flight → CANCEL_PENDING
//	captured / partially_refunded + refund in flight → REFUND_PENDING
//	captured, capture succeeded ≥ SettleAfter ago → SETTLED
var statusTable = map[payment.Status]string{
	payment.Processing:        StatusAuthorizationInitialized,
	payment.RequiresAction:    StatusAuthorizationInitialized,
	payment.Pending:           StatusAuthorizationPending,
	payment.Authorized:        StatusAuthorizationCompleted,
	payment.Captured:          StatusCaptured,
	payment.PartiallyRefunded: StatusPartiallyRefunded,
	payment.Refunded:          StatusRefunded,
	payment.Voided:            StatusCancelled,
	payment.Failed:            StatusAuthorizationFailed,
	payment.Expired:           StatusExpired,
}

// statusOf is a transaction's SmartPay status at now.
func statusOf(s *checkout.Session, p *payment.Payment, ops []*payment.Operation, now time.Time, settleAfter time.Duration) string {
	if p == nil {
		if s.Status == checkout.Expired || !now.Before(s.ExpiresAt) {
			return StatusExpired
		}
		return StatusCreated
	}
	st, ok := statusTable[p.Status]
	if !ok {
		return StatusAuthorizationInitialized
	}
	switch {
	case p.Status == payment.Authorized && p.InFlight == string(payment.OpCapture):
		return StatusCapturePending
	case p.Status == payment.Authorized && p.InFlight == string(payment.OpVoid):
		return StatusCancelPending
	case (p.Status == payment.Captured || p.Status == payment.PartiallyRefunded) && p.RefundPending > 0:
		return StatusRefundPending
	case p.Status == payment.Captured && settleAfter > 0:
		if at, ok := capturedAt(ops); ok && !now.Before(at.Add(settleAfter)) {
			return StatusSettled
		}
	}
	return st
}

// capturedAt is when the payment's money was captured (a sale or a capture).
func capturedAt(ops []*payment.Operation) (time.Time, bool) {
	for _, op := range ops {
		if (op.Kind == payment.OpCapture || op.Kind == payment.OpSale) && op.Status == payment.OpSucceeded {
			return op.UpdatedAt, true
		}
	}
	return time.Time{}, false
}

// Modification types and statuses in the modifications list.
var modificationTypes = map[payment.OpKind]string{
	payment.OpCapture: "CAPTURE",
	payment.OpVoid:    "CANCEL",
	payment.OpRefund:  "REFUND",
}

var modificationStatuses = map[payment.OpStatus]string{
	payment.OpPending:   "PENDING",
	payment.OpSucceeded: "SUCCEEDED",
	payment.OpFailed:    "FAILED",
}
