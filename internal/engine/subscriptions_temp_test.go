package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/recurring"
	"github.com/paygate/paygate/internal/vault"
)

// TestAnUnavailableProcessorPutsTheChargeOff: when the processor cannot
// take the charge (down, rate limiting, circuit open), the schedule is
// neither past due nor one attempt closer to it: the same cycle is tried
// again a little later and charged once the processor is back.
func TestAnUnavailableProcessorPutsTheChargeOff(t *testing.T) {
	for _, class := range []connector.Class{connector.Unavailable, connector.RateLimited} {
		t.Run(string(class), func(t *testing.T) {
			eachStore(t, func(t *testing.T, st engine.Store) {
				var mu sync.Mutex
				down := 3
				proc := &fakeProcessor{authorize: func(req connector.AuthorizeRequest) (connector.Result, error) {
					mu.Lock()
					defer mu.Unlock()
					if req.MerchantInitiated && down > 0 {
						down--
						return connector.Result{}, &connector.Error{Class: class, Message: "try later"}
					}
					return connector.Result{Outcome: connector.Approved, ProcessorRef: "fk_" + req.PaymentID, Captured: req.Capture}, nil
				}}
				sf := newSubFixture(t, st, proc, subStart)
				s := sf.subscribe(t, engine.SubscriptionInput{RetryDelays: []time.Duration{24 * time.Hour}})
				now := subStart
				for i := 0; i < 3; i++ {
					sf.runScheduler(t)
					got := sf.get(t, s.ID)
					if got.Status != recurring.Active || got.Attempt != 0 || got.CyclesPaid != 0 || !got.NextChargeAt.After(now) {
						t.Fatalf("after unavailable try %d: status %s, attempt %d, %d paid, next %s", i+1, got.Status, got.Attempt, got.CyclesPaid, got.NextChargeAt)
					}
					if got.NextChargeAt.Sub(now) > time.Hour {
						t.Fatalf("put off until %s, want within the hour", got.NextChargeAt)
					}
					now = got.NextChargeAt
					sf.set(now)
				}
				sf.runScheduler(t)
				got := sf.get(t, s.ID)
				if got.Status != recurring.Active || got.CyclesPaid != 1 || !got.NextChargeAt.Equal(subStart.AddDate(0, 1, 0)) {
					t.Fatalf("once the processor is back: status %s, %d paid, next %s", got.Status, got.CyclesPaid, got.NextChargeAt)
				}
				p, _, err := sf.e.GetPayment(context.Background(), sf.actor, got.LastPayment)
				if err != nil || p.Status != payment.Captured || p.Amount != 900 {
					t.Fatalf("the cycle's payment: %+v %v", p, err)
				}
			})
		})
	}
}

// TestASecondSchedulerWaitsForACyclePaymentInProgress: when one process's
// claim ran out while its payment is still at the processor, the process
// that claims the schedule next meets the payment's idempotency key in use;
// it neither charges again nor makes the schedule past due.
func TestASecondSchedulerWaitsForACyclePaymentInProgress(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		clock := subStart
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		entered, release := make(chan struct{}), make(chan struct{})
		var once sync.Once
		proc := &fakeProcessor{authorize: func(req connector.AuthorizeRequest) (connector.Result, error) {
			if req.MerchantInitiated {
				once.Do(func() { close(entered); <-release })
			}
			return connector.Result{Outcome: connector.Approved, ProcessorRef: "fk_" + req.PaymentID, Captured: req.Capture}, nil
		}}
		kr := vault.Ephemeral()
		mk := func() *engine.Engine {
			e, err := engine.New(engine.Config{Store: st, Keyring: kr, Now: now, Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: proc}})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		e1, e2 := mk(), mk()
		m, _, _ := e1.CreateMerchant(ctx, "Subs")
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		e1.CreateCustomer(ctx, a, engine.CustomerInput{Reference: "c"})
		p, _, err := e1.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "c", Recurring: "initial", Card: visa()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := e1.CreateSubscription(ctx, a, engine.SubscriptionInput{MandateID: p.Mandate, Amount: 700, Currency: "EUR", Interval: "month"})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() { _, err := e1.ChargeDueSubscriptions(ctx); done <- err }()
		<-entered
		mu.Lock()
		clock = clock.Add(time.Hour) // e1's claim has run out
		mu.Unlock()
		if _, err := e2.ChargeDueSubscriptions(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := e2.GetSubscription(ctx, a, s.ID); got.Status != recurring.Active || got.Attempt != 0 {
			t.Fatalf("while the first process's payment is in progress: status %s, attempt %d", got.Status, got.Attempt)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		got, _ := e1.GetSubscription(ctx, a, s.ID)
		if got.Status != recurring.Active || got.CyclesPaid != 1 {
			t.Fatalf("after the first process finished: status %s, %d paid", got.Status, got.CyclesPaid)
		}
		mu.Lock()
		clock = clock.Add(time.Hour)
		mu.Unlock()
		for _, e := range []*engine.Engine{e1, e2} {
			if _, err := e.ChargeDueSubscriptions(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := proc.authorizes.Load(); n != 2 {
			t.Fatalf("%d authorizations, want 2 (the initial payment and one cycle)", n)
		}
	})
}

// TestATimedOutCycleIsNeitherDeclinedNorChargedTwice: a charge whose
// outcome is unknown (the processor timed out) leaves the schedule active
// with no attempt counted; once recovery learns the processor approved it,
// the next look records that payment as the cycle's, without a second
// authorization.
func TestATimedOutCycleIsNeitherDeclinedNorChargedTwice(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		var mu sync.Mutex
		known := false // the processor's status lookup answers only after a while
		proc := &fakeProcessor{}
		proc.authorize = func(req connector.AuthorizeRequest) (connector.Result, error) {
			if req.MerchantInitiated {
				return connector.Result{}, &connector.Error{Class: connector.Timeout, Message: "no answer"}
			}
			return connector.Result{Outcome: connector.Approved, ProcessorRef: "fk_" + req.PaymentID, Captured: req.Capture}, nil
		}
		proc.status = func(req connector.StatusRequest) (connector.Result, error) {
			mu.Lock()
			defer mu.Unlock()
			if !known {
				return connector.Result{}, &connector.Error{Class: connector.Timeout}
			}
			return connector.Result{Outcome: connector.Approved, ProcessorRef: "fk_" + req.PaymentID, Captured: true}, nil
		}
		sf := newSubFixture(t, st, proc, subStart)
		s := sf.subscribe(t, engine.SubscriptionInput{})
		sf.runScheduler(t)
		got := sf.get(t, s.ID)
		if got.Status != recurring.Active || got.Attempt != 0 || got.CyclesPaid != 0 {
			t.Fatalf("after a timeout: status %s, attempt %d, %d paid", got.Status, got.Attempt, got.CyclesPaid)
		}
		mu.Lock()
		known = true
		mu.Unlock()
		sf.set(got.NextChargeAt)
		if _, err := sf.e.Recover(context.Background(), time.Minute, time.Minute); err != nil {
			t.Fatal(err)
		}
		sf.runScheduler(t)
		got = sf.get(t, s.ID)
		if got.Status != recurring.Active || got.CyclesPaid != 1 || sf.charges(t, s.ID) != 1 {
			t.Fatalf("after recovery: status %s, %d paid, %d payments", got.Status, got.CyclesPaid, sf.charges(t, s.ID))
		}
		if n := proc.authorizes.Load(); n != 2 {
			t.Fatalf("%d authorizations, want 2 (the initial payment and one cycle)", n)
		}
	})
}
