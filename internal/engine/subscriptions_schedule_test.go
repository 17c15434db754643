package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/recurring"
)

// TestSoftDeclinesAreRetriedWithinAWeek: with the default retry delays a
// card that keeps declining with insufficient funds is tried four times,
// 1, 3 and 7 days after the first decline, then the schedule is past due.
func TestSoftDeclinesAreRetriedWithinAWeek(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		var mu sync.Mutex
		var tries []time.Time
		var sf *subFixture
		proc := &fakeProcessor{authorize: func(req connector.AuthorizeRequest) (connector.Result, error) {
			if req.MerchantInitiated {
				mu.Lock()
				tries = append(tries, sf.now())
				mu.Unlock()
				return connector.Result{Outcome: connector.Declined, DeclineCode: "insufficient_funds"}, nil
			}
			return connector.Result{Outcome: connector.Approved, ProcessorRef: "fk_" + req.PaymentID, Captured: req.Capture}, nil
		}}
		sf = newSubFixture(t, st, proc, subStart)
		s := sf.subscribe(t, engine.SubscriptionInput{})
		for i := 0; i < 10; i++ {
			sf.runScheduler(t)
			got := sf.get(t, s.ID)
			if got.Status != recurring.Active {
				break
			}
			sf.set(got.NextChargeAt.Add(30 * time.Second)) // the scheduler gets there a little late
		}
		got := sf.get(t, s.ID)
		if got.Status != recurring.PastDue || len(tries) != 4 {
			t.Fatalf("status %s after %d tries, want past_due after 4", got.Status, len(tries))
		}
		for i, want := range []time.Duration{0, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour} {
			if d := tries[i].Sub(tries[0]).Truncate(time.Minute); d != want {
				t.Errorf("try %d %s after the first, want %s", i+1, d, want)
			}
		}
	})
}

// TestASchedulesDatesStartAndEnd: a future start_at makes the first charge
// then and not before; end_at stops the schedule after the last cycle due
// by it, which completes it.
func TestASchedulesDatesStartAndEnd(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		sf := newSubFixture(t, st, nil, subStart)
		first := subStart.AddDate(0, 0, 10)
		end := first.AddDate(0, 0, 2).Add(time.Hour)
		s := sf.subscribe(t, engine.SubscriptionInput{Interval: recurring.Day, StartAt: first, EndAt: &end})
		sf.runScheduler(t)
		sf.set(first.Add(-time.Minute))
		sf.runScheduler(t)
		if n := sf.charges(t, s.ID); n != 0 {
			t.Fatalf("%d charges before start_at", n)
		}
		for day := 0; day < 5; day++ {
			sf.set(first.AddDate(0, 0, day))
			sf.runScheduler(t)
		}
		got := sf.get(t, s.ID)
		if n := sf.charges(t, s.ID); n != 3 || got.Status != recurring.Completed || got.CyclesPaid != 3 {
			t.Fatalf("%d charges, status %s, %d paid; want 3 (start_at, +1 and +2 days), completed", n, got.Status, got.CyclesPaid)
		}
		evs, err := sf.e.ListEvents(context.Background(), sf.actor, engine.EventFilter{Type: engine.EventCompleted, Limit: 10})
		if err != nil || len(evs) != 1 {
			t.Fatalf("%d subscription.completed events (%v), want 1", len(evs), err)
		}
	})
}

// TestPausingAndResumingWithinACycleKeepsTheNextCharge: a schedule paused
// and resumed before its next cycle is charged at that cycle, once.
func TestPausingAndResumingWithinACycleKeepsTheNextCharge(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		sf := newSubFixture(t, st, nil, subStart)
		s := sf.subscribe(t, engine.SubscriptionInput{})
		sf.runScheduler(t)
		sf.set(subStart.AddDate(0, 0, 5))
		if p := sf.change(t, s.ID, "pause"); p.Status != recurring.Paused {
			t.Fatalf("paused: %s", p.Status)
		}
		if _, err := sf.e.ChangeSubscription(context.Background(), sf.actor, s.ID, "pause"); code(err) != "subscription_invalid_state" {
			t.Fatalf("pausing twice: %v", err)
		}
		sf.set(subStart.AddDate(0, 0, 10))
		r := sf.change(t, s.ID, "resume")
		if r.Status != recurring.Active || !r.NextChargeAt.Equal(subStart.AddDate(0, 1, 0)) {
			t.Fatalf("resumed: %s, next %s", r.Status, r.NextChargeAt)
		}
		sf.runScheduler(t)
		if n := sf.charges(t, s.ID); n != 1 {
			t.Fatalf("%d charges right after resuming, want 1", n)
		}
		sf.set(subStart.AddDate(0, 1, 0))
		sf.runScheduler(t)
		if n := sf.charges(t, s.ID); n != 2 {
			t.Fatalf("%d charges at the next cycle, want 2", n)
		}
	})
}
