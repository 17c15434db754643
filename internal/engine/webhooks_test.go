package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

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

// slowSender answers after a pause and records how many requests were
// open at once.
type slowSender struct {
	mu        sync.Mutex
	open, max int
	byID      map[string]int
}

func (s *slowSender) Send(ctx context.Context, url string, h map[string]string, body []byte, private bool) engine.SendResult {
	s.mu.Lock()
	s.open++
	s.max = max(s.max, s.open)
	s.mu.Unlock()
	time.Sleep(15 * time.Millisecond)
	s.mu.Lock()
	s.open--
	s.byID[h["webhook-id"]]++
	s.mu.Unlock()
	return engine.SendResult{Status: 200}
}

func (s *slowSender) delivered() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.byID) }

// TestEndpointCapHoldsAcrossProcesses: six dispatchers (engines on two
// stores, each store a process of its own on PostgreSQL) share one slow
// endpoint. Each may have PerEndpoint requests open, but together they
// never hold more of its deliveries than the claim cap (4 × PerEndpoint),
// so the endpoint never sees more than that at once, however many
// processes there are; without the shared count it would see 6 × 2.
func TestEndpointCapHoldsAcrossProcesses(t *testing.T) {
	eachTwoProcesses(t, func(t *testing.T, st1, st2 engine.Store) {
		ctx := context.Background()
		kr := vault.Ephemeral()
		var es []*engine.Engine
		for i := 0; i < 6; i++ {
			st := st1
			if i%2 == 1 {
				st = st2
			}
			es = append(es, engineWith(t, st, kr))
		}
		m, _, _ := es[0].CreateMerchant(ctx, "Hooks")
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		if _, _, err := es[0].CreateWebhookEndpoint(ctx, a, engine.EndpointInput{URL: ptrS("https://hooks.test/slow")}); err != nil {
			t.Fatal(err)
		}
		const payments, perEndpoint, cap = 80, 1, 4
		for i := 0; i < payments; i++ {
			if _, _, err := es[0].CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Card: visa()}, nil); err != nil {
				t.Fatal(err)
			}
		}
		snd := &slowSender{byID: map[string]int{}}
		deadline := time.Now().Add(60 * time.Second)
		var wg sync.WaitGroup
		for _, e := range es {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for snd.delivered() < payments && time.Now().Before(deadline) {
					if _, err := e.DispatchOnce(ctx, engine.DispatchConfig{Sender: snd, PerEndpoint: perEndpoint, Batch: 64}); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		if got := snd.delivered(); got != payments {
			t.Fatalf("%d of %d events delivered", got, payments)
		}
		for id, n := range snd.byID {
			if n != 1 {
				t.Fatalf("delivery %s sent %d times", id, n)
			}
		}
		if snd.max > cap {
			t.Fatalf("the endpoint had %d requests open at once; the cap for all processes together is %d", snd.max, cap)
		}
		if snd.max < 2 {
			t.Fatalf("at most %d request open at once: the dispatchers never ran side by side, the test proves nothing", snd.max)
		}
	})
}
