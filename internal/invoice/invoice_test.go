package invoice

import (
	"testing"
	"time"
)

func TestReminderSchedule(t *testing.T) {
	due := time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)
	in := &Invoice{Status: Open, DueAt: due, ExpiresAt: due.Add(DefaultExpiry)}
	at := func(d time.Duration) time.Time { return due.Add(d) }
	if _, ok := in.ReminderDue(at(-4 * 24 * time.Hour)); ok {
		t.Fatal("reminded four days early")
	}
	if k, ok := in.ReminderDue(at(-3 * 24 * time.Hour)); !ok || k != "before_due" {
		t.Fatal("no reminder three days before")
	}
	in.Reminded("before_due", at(-3*24*time.Hour))
	if _, ok := in.ReminderDue(at(-time.Hour)); ok {
		t.Fatal("two reminders before the due date")
	}
	var sent []time.Duration
	for h := time.Duration(0); h < 40*24*time.Hour; h += time.Hour {
		if k, ok := in.ReminderDue(at(h)); ok {
			if k != "overdue" {
				t.Fatalf("kind %s after the due date", k)
			}
			in.Reminded(k, at(h))
			sent = append(sent, h)
		}
	}
	want := []time.Duration{24 * time.Hour, 8 * 24 * time.Hour, 15 * 24 * time.Hour}
	if len(sent) != len(want) {
		t.Fatalf("overdue reminders at %v, want %v", sent, want)
	}
	for i := range want {
		if sent[i] != want[i] {
			t.Fatalf("overdue reminders at %v, want %v", sent, want)
		}
	}
	in.Status = Paid
	if _, ok := in.ReminderDue(at(-3 * 24 * time.Hour)); ok {
		t.Fatal("a paid invoice was reminded")
	}
}

func TestTotals(t *testing.T) {
	if n, ok := Totals([]Line{{"a", 2, 1500}, {"b", 1, 250}}); !ok || n != 3250 {
		t.Fatalf("%d %v", n, ok)
	}
	huge := make([]Line, 10) // ten lines of 10^18: the sum overflows int64
	for i := range huge {
		huge[i] = Line{"x", 1_000_000, 1_000_000_000_000}
	}
	for _, bad := range [][]Line{nil, {{"a", 0, 1}}, {{"a", 1, 0}}, huge} {
		if _, ok := Totals(bad); ok {
			t.Errorf("Totals(%d lines) accepted", len(bad))
		}
	}
}
