package smartpay

import (
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/payment"
)

// RenderStatus is the Get Payment Status answer as the door writes it, for golden files.
func RenderStatus(s *checkout.Session, p *payment.Payment, ops []*payment.Operation, now time.Time, settleAfter time.Duration) []byte {
	return marshal(statusView(s, p, ops, now, settleAfter))
}

// RenderCreated is the Create Checkout answer, for golden files.
func RenderCreated(sessionID, token string, now time.Time) []byte {
	return marshal(createdJSON{TransactionID: TransactionID(sessionID), CheckoutToken: token, PaymentStatus: StatusCreated, RequestTime: stamp(now)})
}

// StatusOf exposes the status table.
var StatusOf = statusOf
