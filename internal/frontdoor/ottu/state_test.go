package ottu_test

import (
	"testing"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/frontdoor/ottu"
	"github.com/paygate/paygate/internal/payment"
)

// Every paygate payment status, on an open, completed or closed session,
// shows the Ottu state and webhook result a shop expects (reference §3.5).
func TestStateTable(t *testing.T) {
	open := &checkout.Session{Status: checkout.Open}
	complete := &checkout.Session{Status: checkout.Complete}
	expired := &checkout.Session{Status: checkout.Expired}
	canceled := &checkout.Session{Status: checkout.Expired, Metadata: map[string]string{"ottu_closed": "canceled"}}
	pay := func(s payment.Status) *payment.Payment { return &payment.Payment{Status: s} }
	for _, c := range []struct {
		name          string
		sess          *checkout.Session
		p             *payment.Payment
		state, result string
	}{
		{"a new session", open, nil, ottu.StateCreated, ""},
		{"a payment waiting for 3-D Secure", open, pay(payment.RequiresAction), ottu.StatePending, "pending"},
		{"a pending payment", open, pay(payment.Pending), ottu.StatePending, "pending"},
		{"a declined attempt on an open session", open, pay(payment.Failed), ottu.StateAttempted, "failed"},
		{"a declined attempt on a closed session", expired, pay(payment.Failed), ottu.StateFailed, "failed"},
		{"an authorization", complete, pay(payment.Authorized), ottu.StateAuthorized, "success"},
		{"a sale", complete, pay(payment.Captured), ottu.StatePaid, "success"},
		{"a partly refunded sale", complete, pay(payment.PartiallyRefunded), ottu.StatePaid, "success"},
		{"a refunded sale", complete, pay(payment.Refunded), ottu.StateRefunded, "success"},
		{"a voided authorization", complete, pay(payment.Voided), ottu.StateVoided, "success"},
		{"an expired session", expired, nil, ottu.StateExpired, ""},
		{"a session canceled through the operations API", canceled, nil, ottu.StateCanceled, ""},
		{"a declined attempt on a canceled session", canceled, pay(payment.Failed), ottu.StateCanceled, "failed"},
		{"a completed session without its payment", complete, nil, ottu.StatePaid, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ottu.State(c.sess, c.p); got != c.state {
				t.Errorf("state %q, want %q", got, c.state)
			}
			if c.p != nil {
				if got := ottu.Result(c.p); got != c.result {
					t.Errorf("result %q, want %q", got, c.result)
				}
			}
		})
	}
}
