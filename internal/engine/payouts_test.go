package engine_test

import (
	"context"
	"sync"
	"testing"

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
	})
}
