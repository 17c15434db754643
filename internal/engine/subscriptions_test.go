package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// TestTwoSchedulersChargeEachCycleOnce: two engines (two processes, each
// with its own store on PostgreSQL) on one database race to charge the same
// schedules through many cycles; every cycle is charged exactly once.
func TestTwoSchedulersChargeEachCycleOnce(t *testing.T) {
	eachTwoProcesses(t, func(t *testing.T, st1, st2 engine.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		clock := time.Now()
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		kr := vault.Ephemeral()
		mk := func(st engine.Store) *engine.Engine {
			e, err := engine.New(engine.Config{Store: st, Keyring: kr, Now: now, Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: &fakeProcessor{}}})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		e1, e2 := mk(st1), mk(st2)
		m, _, _ := e1.CreateMerchant(ctx, "Subs")
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		e1.CreateCustomer(ctx, a, engine.CustomerInput{Reference: "c"})
		const schedules, cycles = 4, 5
		var ids []string
		for i := 0; i < schedules; i++ {
			p, _, err := e1.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "c", Recurring: "initial", Card: visa()}, nil)
			if err != nil || p.Mandate == "" {
				t.Fatalf("initial: %+v %v", p, err)
			}
			s, err := e1.CreateSubscription(ctx, a, engine.SubscriptionInput{MandateID: p.Mandate, Amount: 700, Currency: "EUR", Interval: "day", Cycles: cycles})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, s.ID)
		}
		for c := 0; c < cycles; c++ {
			var wg sync.WaitGroup
			for _, e := range []*engine.Engine{e1, e2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 3; i++ {
						if _, err := e.ChargeDueSubscriptions(ctx); err != nil {
							t.Error(err)
						}
					}
				}()
			}
			wg.Wait()
			mu.Lock()
			clock = clock.Add(25 * time.Hour)
			mu.Unlock()
		}
		ps, _, err := e1.ListPayments(ctx, a, engine.PaymentFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		perCycle := map[string]int{}
		for _, p := range ps {
			if sub := p.Metadata["subscription"]; sub != "" {
				perCycle[sub+"/"+p.Metadata["cycle"]]++
			}
		}
		if len(perCycle) != schedules*cycles {
			t.Fatalf("%d cycles charged, want %d", len(perCycle), schedules*cycles)
		}
		for k, n := range perCycle {
			if n != 1 {
				t.Fatalf("cycle %s charged %d times", k, n)
			}
		}
		for _, id := range ids {
			if s, _ := e1.GetSubscription(ctx, a, id); s.Status != "completed" || s.CyclesPaid != cycles {
				t.Fatalf("schedule %+v", s)
			}
		}
	})
}
