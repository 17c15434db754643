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

// subFixture is a merchant with a customer, an active mandate and a clock
// the test moves.
type subFixture struct {
	*fixture
	mu      sync.Mutex
	clock   time.Time
	mandate string
}

func newSubFixture(t *testing.T, st engine.Store, proc *fakeProcessor, start time.Time) *subFixture {
	t.Helper()
	sf := &subFixture{clock: start}
	sf.fixture = newFixtureAt(t, st, proc, sf.now)
	ctx := context.Background()
	if _, err := sf.e.CreateCustomer(ctx, sf.actor, engine.CustomerInput{Reference: "c"}); err != nil {
		t.Fatal(err)
	}
	p, _, err := sf.e.CreatePayment(ctx, sf.actor, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "c", Recurring: "initial", Card: visa()}, nil)
	if err != nil || p.Mandate == "" {
		t.Fatalf("initial payment: %+v %v", p, err)
	}
	sf.mandate = p.Mandate
	return sf
}

func (sf *subFixture) now() time.Time { sf.mu.Lock(); defer sf.mu.Unlock(); return sf.clock }

func (sf *subFixture) set(t time.Time) { sf.mu.Lock(); sf.clock = t; sf.mu.Unlock() }

func (sf *subFixture) subscribe(t *testing.T, in engine.SubscriptionInput) *recurring.Schedule {
	t.Helper()
	in.MandateID = sf.mandate
	if in.Amount == 0 {
		in.Amount, in.Currency = 900, "EUR"
	}
	if in.Interval == "" {
		in.Interval = recurring.Month
	}
	s, err := sf.e.CreateSubscription(context.Background(), sf.actor, in)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runScheduler charges whatever is due now, as the scheduler's loop does,
// until nothing is left.
func (sf *subFixture) runScheduler(t *testing.T) {
	t.Helper()
	for i := 0; i < 100; i++ {
		n, err := sf.e.ChargeDueSubscriptions(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the scheduler never ran out of due schedules")
}

// charges counts the merchant-initiated payments of subscription sid.
func (sf *subFixture) charges(t *testing.T, sid string) int {
	t.Helper()
	ps, _, err := sf.e.ListPayments(context.Background(), sf.actor, engine.PaymentFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range ps {
		if p.Metadata["subscription"] == sid {
			n++
		}
	}
	return n
}

func (sf *subFixture) get(t *testing.T, sid string) *recurring.Schedule {
	t.Helper()
	s, err := sf.e.GetSubscription(context.Background(), sf.actor, sid)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (sf *subFixture) change(t *testing.T, sid, action string) *recurring.Schedule {
	t.Helper()
	s, err := sf.e.ChangeSubscription(context.Background(), sf.actor, sid, action)
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return s
}

var subStart = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)

// TestResumingAfterThreeMonthsChargesOnce: a monthly plan paused for three
// months is charged once when it is resumed, not once per missed month.
func TestResumingAfterThreeMonthsChargesOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		sf := newSubFixture(t, st, nil, subStart)
		s := sf.subscribe(t, engine.SubscriptionInput{})
		sf.runScheduler(t)
		if n := sf.charges(t, s.ID); n != 1 {
			t.Fatalf("%d charges at the start, want 1", n)
		}
		sf.change(t, s.ID, "pause")
		sf.set(subStart.AddDate(0, 3, 5)) // 15 April
		sf.runScheduler(t)
		if n := sf.charges(t, s.ID); n != 1 {
			t.Fatalf("%d charges while paused, want 1", n)
		}
		r := sf.change(t, s.ID, "resume")
		if want := subStart.AddDate(0, 4, 0); !r.NextChargeAt.Equal(want) {
			t.Fatalf("resumed with next charge %s, want %s (the first cycle from now)", r.NextChargeAt, want)
		}
		sf.runScheduler(t)
		if n := sf.charges(t, s.ID); n != 1 {
			t.Fatalf("%d charges right after resuming, want still 1 (the missed months are skipped)", n)
		}
		sf.set(subStart.AddDate(0, 4, 0))
		sf.runScheduler(t)
		if n := sf.charges(t, s.ID); n != 2 {
			t.Fatalf("%d charges at the first cycle after resuming, want 2", n)
		}
		if got := sf.get(t, s.ID); got.Status != recurring.Active || got.CyclesPaid != 2 || !got.NextChargeAt.Equal(subStart.AddDate(0, 5, 0)) {
			t.Fatalf("after it: %+v", got)
		}
	})
}

// TestResumingAPastDueScheduleChargesOnce: a schedule past due for three
// months is charged once on resume (its retried cycle), then monthly from
// there.
func TestResumingAPastDueScheduleChargesOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		decline := true
		var mu sync.Mutex
		proc := &fakeProcessor{authorize: func(req connector.AuthorizeRequest) (connector.Result, error) {
			mu.Lock()
			defer mu.Unlock()
			if req.MerchantInitiated && decline {
				return connector.Result{Outcome: connector.Declined, DeclineCode: "stolen_card"}, nil
			}
			return connector.Result{Outcome: connector.Approved, ProcessorRef: "fk_" + req.PaymentID, Captured: req.Capture}, nil
		}}
		sf := newSubFixture(t, st, proc, subStart)
		s := sf.subscribe(t, engine.SubscriptionInput{})
		sf.runScheduler(t)
		if got := sf.get(t, s.ID); got.Status != recurring.PastDue {
			t.Fatalf("after a hard decline: %s", got.Status)
		}
		mu.Lock()
		decline = false
		mu.Unlock()
		now := subStart.AddDate(0, 3, 5)
		sf.set(now)
		sf.change(t, s.ID, "resume")
		sf.runScheduler(t)
		if n := sf.charges(t, s.ID); n != 2 {
			t.Fatalf("%d payments (one declined at the start), want 2: the resume charges once", n)
		}
		got := sf.get(t, s.ID)
		if got.Status != recurring.Active || got.CyclesPaid != 1 || !got.NextChargeAt.Equal(subStart.AddDate(0, 4, 0)) {
			t.Fatalf("after resuming: status %s, %d paid, next %s; want active, 1, %s", got.Status, got.CyclesPaid, got.NextChargeAt, subStart.AddDate(0, 4, 0))
		}
	})
}
