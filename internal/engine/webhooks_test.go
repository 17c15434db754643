package engine_test

import (
	"context"
	"sync"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// recordingSender accepts every delivery and remembers it.
type recordingSender struct {
	mu   sync.Mutex
	byID map[string]int
	n    int
}

func (s *recordingSender) Send(_ context.Context, url string, h map[string]string, body []byte, private bool) engine.SendResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[h["webhook-id"]]++
	s.n++
	return engine.SendResult{Status: 200}
}

// TestTwoDispatchersDeliverEveryEventOnce: two engines (two processes, each
// with its own store on PostgreSQL) on one database fan out and deliver
// concurrently; every event reaches the endpoint, and no delivery is made
// twice.
func TestTwoDispatchersDeliverEveryEventOnce(t *testing.T) {
	eachTwoProcesses(t, func(t *testing.T, st1, st2 engine.Store) {
		ctx := context.Background()
		kr := vault.Ephemeral()
		e1, e2 := engineWith(t, st1, kr), engineWith(t, st2, kr)
		m, _, _ := e1.CreateMerchant(ctx, "Hooks")
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		if _, _, err := e1.CreateWebhookEndpoint(ctx, a, engine.EndpointInput{URL: ptrS("https://hooks.test/a")}); err != nil {
			t.Fatal(err)
		}
		const payments = 60
		for i := 0; i < payments; i++ {
			if _, _, err := e1.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Card: visa()}, nil); err != nil {
				t.Fatal(err)
			}
		}
		snd := &recordingSender{byID: map[string]int{}}
		var wg sync.WaitGroup
		for _, e := range []*engine.Engine{e1, e2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					if _, err := e.DispatchOnce(ctx, engine.DispatchConfig{Sender: snd, Batch: 7}); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		if len(snd.byID) != payments {
			t.Fatalf("%d distinct deliveries for %d events", len(snd.byID), payments)
		}
		for id, n := range snd.byID {
			if n != 1 {
				t.Fatalf("delivery %s sent %d times", id, n)
			}
		}
	})
}

func ptrS(s string) *string { return &s }
