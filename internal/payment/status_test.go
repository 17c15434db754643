package payment_test

import (
	"testing"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

func TestFinalStatesAllowNoTransition(t *testing.T) {
	for _, from := range []payment.Status{payment.Refunded, payment.Voided, payment.Failed, payment.Expired} {
		for _, to := range payment.Statuses {
			if payment.CanTransition(from, to) {
				t.Errorf("%s -> %s allowed", from, to)
			}
		}
	}
}

func TestIllegalTransitionIsAConflict(t *testing.T) {
	p := &payment.Payment{ID: "pay_1", Status: payment.Voided}
	err := p.TransitionTo(payment.Captured)
	if fault.KindOf(err) != fault.Conflict || fault.As(err).Code != "payment_invalid_state" {
		t.Fatalf("err = %v", err)
	}
	p.Status = payment.Authorized
	if err := p.TransitionTo(payment.Captured); err != nil || p.Status != payment.Captured {
		t.Fatalf("authorized -> captured: %v", err)
	}
}

func TestCheckCatchesAmountsOutOfBounds(t *testing.T) {
	ok := &payment.Payment{Authorized: 100, Captured: 100, Refunded: 60, RefundPending: 40}
	if ok.Check() != nil || ok.Refundable() != 0 {
		t.Fatal("valid amounts refused")
	}
	for _, p := range []*payment.Payment{
		{Authorized: 100, Captured: 101},
		{Authorized: 100, Captured: 100, Refunded: 60, RefundPending: 41},
		{Authorized: 100, Captured: 100, Refunded: -1},
	} {
		if p.Check() == nil {
			t.Errorf("accepted %+v", p)
		}
	}
}
