package ottu

import (
	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/payment"
)

// Ottu's transaction states (reference §3.5).
const (
	StateCreated        = "created"
	StatePending        = "pending"
	StateAttempted      = "attempted"
	StateAuthorized     = "authorized"
	StatePaid           = "paid"
	StateFailed         = "failed"
	StateCanceled       = "canceled"
	StateExpired        = "expired"
	StateRefunded       = "refunded"
	StateRefundQueued   = "refund_queued"
	StateRefundRejected = "refund_rejected"
	StateVoided         = "voided"
)

// paymentStates is the one table from paygate's payment statuses to Ottu's
// transaction state and the webhook's result (the attempt's outcome).
// A failed or expired attempt on a session still open is "attempted"
// (Ottu's multi-attempt gateways): the payer may try another card.
var paymentStates = map[payment.Status]struct{ state, result string }{
	payment.Processing:        {StatePending, "pending"},
	payment.RequiresAction:    {StatePending, "pending"},
	payment.Pending:           {StatePending, "pending"},
	payment.Authorized:        {StateAuthorized, "success"},
	payment.Captured:          {StatePaid, "success"},
	payment.PartiallyRefunded: {StatePaid, "success"}, // the refund is a child transaction; refunded_amount says how much
	payment.Refunded:          {StateRefunded, "success"},
	payment.Voided:            {StateVoided, "success"},
	payment.Failed:            {StateFailed, "failed"},
	payment.Expired:           {StateExpired, "canceled"},
}

// closedKey marks in a session's metadata how the door closed it
// (canceled, expired or deleted); the engine only knows "expired".
const closedKey = "ottu_closed"

// State is the Ottu state of a session and its latest payment (nil if none).
func State(s *checkout.Session, p *payment.Payment) string {
	if p != nil {
		st := paymentStates[p.Status]
		if (st.state == StateFailed || st.state == StateExpired) && s != nil && s.Status == checkout.Open {
			return StateAttempted
		}
		if st.state == StateFailed && s != nil && s.Status == checkout.Expired && s.Metadata[closedKey] != "" {
			return closedState(s)
		}
		if st.state != "" {
			return st.state
		}
	}
	if s == nil {
		return StateCreated
	}
	switch s.Status {
	case checkout.Expired:
		return closedState(s)
	case checkout.Complete:
		return StatePaid
	}
	return StateCreated
}

func closedState(s *checkout.Session) string {
	switch s.Metadata[closedKey] {
	case "canceled", "deleted":
		return StateCanceled
	}
	return StateExpired
}

// Result is the webhook's result for a payment.
func Result(p *payment.Payment) string {
	if r := paymentStates[p.Status].result; r != "" {
		return r
	}
	return "error"
}

// cancelable and expirable are the states the internal operations accept.
var (
	cancelable = []string{StateCreated, StatePending, StateAttempted}
	expirable  = []string{StateCreated, StatePending, StateAttempted}
	deletable  = []string{StateCreated, StateAttempted, StateFailed, StateCanceled, StateExpired}
)
