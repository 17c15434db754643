package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// TestInquiriesAtOnceAskTheProcessorOnce: of twenty inquiries about a
// pending payment sent at the same moment, one asks the processor; once the
// gap has passed, the next asks again and records the decision.
func TestInquiriesAtOnceAskTheProcessorOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		var mu sync.Mutex
		clock := time.Now()
		decided := false
		proc := &fakeProcessor{
			authorize: func(req connector.AuthorizeRequest) (connector.Result, error) {
				return connector.Result{Outcome: connector.Pending, ProcessorRef: "pend"}, nil
			},
			status: func(req connector.StatusRequest) (connector.Result, error) {
				mu.Lock()
				defer mu.Unlock()
				if decided {
					return connector.Result{Outcome: connector.Approved, ProcessorRef: "pend", Captured: true}, nil
				}
				return connector.Result{Outcome: connector.Pending, ProcessorRef: "pend"}, nil
			},
		}
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		f := newFixtureAt(t, st, proc, now)
		p := f.pay(t, 700, payment.CaptureAutomatic)
		mu.Lock()
		clock = clock.Add(3 * time.Second)
		mu.Unlock()
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if got, err := f.e.Inquire(context.Background(), f.actor, p.ID); err != nil || got.Status != payment.Pending {
					t.Errorf("inquiry: %v %v", got, err)
				}
			})
		}
		wg.Wait()
		if n := proc.statuses.Load(); n != 1 {
			t.Fatalf("twenty inquiries at once asked the processor %d times, want 1", n)
		}
		mu.Lock()
		clock, decided = clock.Add(3*time.Second), true
		mu.Unlock()
		got, err := f.e.Inquire(context.Background(), f.actor, p.ID)
		if err != nil || got.Status != payment.Captured || proc.statuses.Load() != 2 {
			t.Fatalf("after the gap: %+v %v (%d lookups)", got, err, proc.statuses.Load())
		}
		f.verifyLedger(t)
	})
}
