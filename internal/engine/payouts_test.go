package engine_test

import (
	"context"
	"github.com/paygate/paygate/internal/audit"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// TestConcurrentPayoutsOnBothStores: payouts racing for one balance never
// overdraw it, and the ledger agrees with every payout.
func TestConcurrentPayoutsOnBothStores(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		e := engineWith(t, st, vault.Ephemeral())
		m, _, _ := e.CreateMerchant(ctx, "Payouts")
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		if _, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 5000, Currency: "EUR", Card: visa()}, nil); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		paid := 0
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				po, _, err := e.CreatePayout(ctx, a, engine.PayoutInput{Amount: 1000, Currency: "EUR",
					Bank: &engine.BankInput{Holder: "Shop", IBAN: "DE89370400440532013000"}}, nil)
				if err == nil && po.Status == "paid" {
					mu.Lock()
					paid++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		bal, _ := e.Balance(ctx, a)
		if paid != 5 || len(bal) != 1 || bal[0].Available != 0 {
			t.Fatalf("%d payouts paid, balance %+v", paid, bal)
		}
		if r, err := e.VerifyLedger(ctx); err != nil || !r.OK() || r.Payouts != 5 {
			t.Fatalf("%v %v", r.String(), err)
		}
		// Every payout that reserved money is in the audit log; the refused ones are not.
		logged, err := e.ListAuditEvents(ctx, a, engine.AuditFilter{Action: string(audit.PayoutCreated), Limit: 100})
		if err != nil || len(logged) != 5 || logged[0].Details["amount"] != "10.00" || logged[0].TargetType != "payout" {
			t.Fatalf("payout audit entries: %d %+v %v", len(logged), logged, err)
		}
	})
}

// TestPayoutsWhoseAnswerWasLostAreResolved: a payout whose processor call
// timed out stays pending with its money reserved; recovery asks the
// processor: paid, or never received (then failed, money back).
func TestPayoutsWhoseAnswerWasLostAreResolved(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		clock := time.Now()
		known := map[string]bool{} // payouts the processor actually made
		proc := &fakeProcessor{
			payout: func(req connector.PayoutRequest) (connector.Result, error) {
				mu.Lock()
				defer mu.Unlock()
				if req.Amount.Minor == 1000 {
					known[req.PayoutID] = true
				}
				return connector.Result{}, &connector.Error{Class: connector.Timeout, Message: "lost"}
			},
			status: func(req connector.StatusRequest) (connector.Result, error) {
				mu.Lock()
				defer mu.Unlock()
				if known[req.OperationID] {
					return connector.Result{Outcome: connector.Approved, ProcessorRef: "po-ref"}, nil
				}
				return connector.Result{Outcome: connector.NotFound}, nil
			},
		}
		f := newFixtureAt(t, st, proc, func() time.Time { mu.Lock(); defer mu.Unlock(); return clock })
		f.pay(t, 5000, payment.CaptureAutomatic)
		bank := &engine.BankInput{Holder: "Shop", IBAN: "DE89370400440532013000"}
		made, _, err := f.e.CreatePayout(ctx, f.actor, engine.PayoutInput{Amount: 1000, Currency: "EUR", Bank: bank}, nil)
		if err != nil || made.Status != "pending" {
			t.Fatalf("lost payout: %+v %v", made, err)
		}
		lost, _, _ := f.e.CreatePayout(ctx, f.actor, engine.PayoutInput{Amount: 2000, Currency: "EUR", Bank: bank}, nil)
		if bal, _ := f.e.Balance(ctx, f.actor); bal[0].Available != 2000 {
			t.Fatalf("pending payouts must keep their money reserved: %+v", bal)
		}
		mu.Lock()
		clock = clock.Add(time.Hour)
		mu.Unlock()
		if _, err := f.e.Recover(ctx, time.Minute, time.Minute); err != nil {
			t.Fatal(err)
		}
		a, _ := f.e.GetPayout(ctx, f.actor, made.ID)
		b, _ := f.e.GetPayout(ctx, f.actor, lost.ID)
		if a.Status != "paid" || b.Status != "failed" || b.FailureCode != "processor_no_record" {
			t.Fatalf("after recovery: %s %s %s", a.Status, b.Status, b.FailureCode)
		}
		if bal, _ := f.e.Balance(ctx, f.actor); bal[0].Available != 4000 {
			t.Fatalf("balance after recovery: %+v", bal)
		}
		f.verifyLedger(t)
	})
}
