package recurring

import (
	"testing"
	"time"
)

func TestCycleAtKeepsTheDayOfMonth(t *testing.T) {
	start := time.Date(2026, 1, 31, 9, 0, 0, 0, time.UTC)
	want := []string{"2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"}
	for n, w := range want {
		if got := CycleAt(start, Month, 1, n).Format("2006-01-02"); got != w {
			t.Errorf("cycle %d: %s, want %s", n, got, w)
		}
	}
	if got := CycleAt(time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), Year, 1, 1).Format("2006-01-02"); got != "2029-02-28" {
		t.Errorf("leap day plus a year: %s", got)
	}
	if got := CycleAt(start, Week, 2, 3).Format("2006-01-02"); got != "2026-03-14" {
		t.Errorf("every two weeks, third: %s", got)
	}
}

func TestDeclinesRetryThenGoPastDue(t *testing.T) {
	now := time.Now()
	s := &Schedule{Status: Active, Interval: Month, IntervalCount: 1, StartAt: now, Cycles: 3, RetryDelays: DefaultRetryDelays}
	for i, d := range DefaultRetryDelays {
		if s.Declined("p", true, now) || s.NextChargeAt != now.Add(d) || s.Status != Active {
			t.Fatalf("soft decline %d: %+v", i+1, s)
		}
	}
	if !s.Declined("p", true, now) || s.Status != PastDue {
		t.Fatalf("the fourth soft decline: %+v", s)
	}
	h := &Schedule{Status: Active, RetryDelays: DefaultRetryDelays}
	if !h.Declined("p", false, now) {
		t.Fatal("a hard decline did not make the schedule past due")
	}
	c := &Schedule{Status: Active, Interval: Day, IntervalCount: 1, StartAt: now, Cycles: 2}
	c.Paid("a", now)
	if c.Status != Active || c.NextChargeAt != now.AddDate(0, 0, 1) {
		t.Fatalf("after the first cycle: %+v", c)
	}
	c.Paid("b", now)
	if c.Status != Completed {
		t.Fatalf("after the last cycle: %+v", c)
	}
}
