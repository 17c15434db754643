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

func TestResumeSkipsTheCyclesMissedWhileStopped(t *testing.T) {
	start := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	day := func(s *Schedule) string { return s.NextChargeAt.Format("2006-01-02") }
	t.Run("a paused schedule resumed three months later charges next on the first cycle from now", func(t *testing.T) {
		s := &Schedule{Status: Active, Interval: Month, IntervalCount: 1, StartAt: start, NextChargeAt: start}
		s.Paid("p1", start)
		s.Status = Paused
		if !s.Resume(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)) || s.Status != Active {
			t.Fatalf("resume: %+v", s)
		}
		if day(s) != "2026-05-10" || s.Cycle != 4 || s.CyclesPaid != 1 {
			t.Fatalf("next charge %s (cycle %d, %d paid), want 2026-05-10 (cycle 4, 1 paid)", day(s), s.Cycle, s.CyclesPaid)
		}
		s.Paid("p2", s.NextChargeAt)
		if day(s) != "2026-06-10" || s.CyclesPaid != 2 {
			t.Fatalf("after the next charge: %s, %d paid", day(s), s.CyclesPaid)
		}
	})
	t.Run("a paused schedule resumed before its next cycle keeps it", func(t *testing.T) {
		s := &Schedule{Status: Active, Interval: Month, IntervalCount: 1, StartAt: start, NextChargeAt: start}
		s.Paid("p1", start)
		s.Status = Paused
		seq := s.Seq
		s.Resume(start.AddDate(0, 0, 3))
		if day(s) != "2026-02-10" || s.Cycle != 1 || s.Seq == seq {
			t.Fatalf("next charge %s, cycle %d, seq %d", day(s), s.Cycle, s.Seq)
		}
	})
	t.Run("a past-due schedule is charged once now, then on the cycle after now", func(t *testing.T) {
		s := &Schedule{Status: Active, Interval: Month, IntervalCount: 1, StartAt: start, NextChargeAt: start, RetryDelays: DefaultRetryDelays}
		s.Declined("p1", false, start)
		now := time.Date(2026, 4, 20, 8, 0, 0, 0, time.UTC)
		if !s.Resume(now) || s.Status != Active || !s.NextChargeAt.Equal(now) || s.Attempt != 0 {
			t.Fatalf("resume: %+v", s)
		}
		s.Paid("p2", now)
		if day(s) != "2026-05-10" || s.CyclesPaid != 1 {
			t.Fatalf("after the charge at resume: next %s, %d paid", day(s), s.CyclesPaid)
		}
	})
	t.Run("a schedule resumed after its end date completes", func(t *testing.T) {
		end := start.AddDate(0, 2, 0)
		s := &Schedule{Status: Paused, Interval: Month, IntervalCount: 1, StartAt: start, NextChargeAt: start.AddDate(0, 1, 0), Cycle: 1, CyclesPaid: 1, EndAt: &end}
		if !s.Resume(start.AddDate(0, 5, 0)) || s.Status != Completed {
			t.Fatalf("resume after end: %+v", s)
		}
	})
	t.Run("only paused and past-due schedules resume", func(t *testing.T) {
		for _, st := range []Status{Active, Canceled, Completed} {
			s := &Schedule{Status: st, Interval: Month, IntervalCount: 1, StartAt: start}
			if s.Resume(start) || s.Status != st {
				t.Errorf("%s resumed", st)
			}
		}
	})
}

func TestRetryDelaysCountFromTheFirstDecline(t *testing.T) {
	first := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := &Schedule{Status: Active, Interval: Month, IntervalCount: 1, StartAt: first, NextChargeAt: first, RetryDelays: DefaultRetryDelays}
	now := first
	var tries []time.Time
	for !s.Declined("p", true, now) {
		tries = append(tries, now)
		now = s.NextChargeAt.Add(5 * time.Second) // the scheduler gets there a little late
	}
	tries = append(tries, now)
	if len(tries) != 4 {
		t.Fatalf("%d tries, want 4", len(tries))
	}
	if span := tries[len(tries)-1].Sub(first); span > 7*24*time.Hour+time.Minute {
		t.Fatalf("the tries span %s, want about a week", span)
	}
	for i, d := range DefaultRetryDelays {
		if got := tries[i+1].Sub(first).Round(time.Minute); got != d {
			t.Errorf("retry %d at %s after the first decline, want %s", i+1, got, d)
		}
	}
	s.Resume(now.Add(time.Hour))
	s.Declined("p", true, now.Add(time.Hour))
	if want := now.Add(time.Hour + DefaultRetryDelays[0]); !s.NextChargeAt.Equal(want) {
		t.Fatalf("after a resume the retries count from the new first decline: %s, want %s", s.NextChargeAt, want)
	}
}

func TestLateRetriesKeepTheirSpacing(t *testing.T) {
	first := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := &Schedule{Status: Active, Interval: Month, IntervalCount: 1, StartAt: first, NextChargeAt: first, RetryDelays: DefaultRetryDelays}
	s.Declined("p", true, first)
	late := first.Add(5 * 24 * time.Hour) // the scheduler was down past the second retry's date
	s.Declined("p", true, late)
	if want := late.Add(2 * 24 * time.Hour); !s.NextChargeAt.Equal(want) {
		t.Fatalf("a late second try: next at %s, want %s (the planned two days after it, not at once)", s.NextChargeAt, want)
	}
}
