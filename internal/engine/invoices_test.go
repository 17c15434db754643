package engine_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/invoice"
)

// invoiceClock is a fixture whose clock the test moves.
type invoiceClock struct {
	*fixture
	mu  sync.Mutex
	now time.Time
}

func newInvoiceClock(t *testing.T, st engine.Store, start time.Time) *invoiceClock {
	ic := &invoiceClock{now: start}
	ic.fixture = newFixtureAt(t, st, nil, func() time.Time { ic.mu.Lock(); defer ic.mu.Unlock(); return ic.now })
	return ic
}

func (ic *invoiceClock) set(t time.Time) { ic.mu.Lock(); ic.now = t; ic.mu.Unlock() }

func (ic *invoiceClock) invoice(t *testing.T, email string, due time.Time, expires *time.Time) *invoice.Invoice {
	t.Helper()
	c, err := ic.e.CreateInvoice(context.Background(), ic.actor, engine.InvoiceInput{CustomerEmail: email, Currency: "EUR", DueAt: due, ExpiresAt: expires,
		Lines: []invoice.Line{{Description: "Consulting", Quantity: 1, UnitAmount: 5000}}})
	if err != nil {
		t.Fatal(err)
	}
	return c.Invoice
}

// remindAll runs the scheduler's reminder pass until it has nothing left.
func (ic *invoiceClock) remindAll(t *testing.T) {
	t.Helper()
	for i := 0; i < 50; i++ {
		n, err := ic.e.RemindInvoices(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("reminders never ran out")
}

// TestAnInvoiceExpiresOnTimeBeforeItsFirstReminder: a link that expires
// more than three days before the due date (no reminder due yet) still
// expires at its expires_at, with its invoice.expired event.
func TestAnInvoiceExpiresOnTimeBeforeItsFirstReminder(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		ic := newInvoiceClock(t, st, start)
		expires := start.Add(24 * time.Hour)
		inv := ic.invoice(t, "ana@example.com", start.AddDate(0, 0, 20), &expires)
		ic.set(expires.Add(time.Minute))
		ic.remindAll(t)
		got, emails, err := ic.e.GetInvoice(context.Background(), ic.actor, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != invoice.Expired {
			t.Fatalf("a minute after expires_at the invoice is %s, want expired", got.Status)
		}
		if len(emails) != 0 {
			t.Fatalf("%d reminders sent for an expired link", len(emails))
		}
	})
}

// TestInvoicesWithEveryReminderSentDoNotDelayOthers: more open invoices
// than one pass takes, all with every reminder already sent, do not keep a
// newer invoice's reminder waiting.
func TestInvoicesWithEveryReminderSentDoNotDelayOthers(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		ic := newInvoiceClock(t, st, start)
		due := start.Add(24 * time.Hour)
		const old = 110 // one pass claims 100
		for i := 0; i < old; i++ {
			ic.invoice(t, fmt.Sprintf("old%d@example.com", i), due, nil)
		}
		// Before the due date, then the three overdue reminders.
		for _, at := range []time.Time{start, due.Add(invoice.FirstOverdue), due.Add(invoice.FirstOverdue + invoice.OverdueEvery), due.Add(invoice.FirstOverdue + 2*invoice.OverdueEvery)} {
			ic.set(at)
			ic.remindAll(t)
		}
		now := due.Add(invoice.FirstOverdue + 2*invoice.OverdueEvery + time.Hour)
		ic.set(now)
		fresh := ic.invoice(t, "new@example.com", now.Add(48*time.Hour), nil)
		n, err := ic.e.RemindInvoices(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		_, emails, err := ic.e.GetInvoice(context.Background(), ic.actor, fresh.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || len(emails) != 1 || emails[0].Kind != "reminder_before_due" {
			t.Fatalf("one pass sent %d reminders, the new invoice got %+v; want its before-due reminder", n, emails)
		}
		old0, oldEmails, _ := ic.e.GetInvoice(context.Background(), ic.actor, mustFirstOld(t, ic))
		if old0.Status != invoice.Open || len(oldEmails) != 1+invoice.MaxOverdue {
			t.Fatalf("an old invoice: %s with %d reminders, want open with %d", old0.Status, len(oldEmails), 1+invoice.MaxOverdue)
		}
	})
}

// mustFirstOld is the oldest invoice of the fixture's merchant.
func mustFirstOld(t *testing.T, ic *invoiceClock) string {
	t.Helper()
	list, err := ic.e.ListInvoices(context.Background(), ic.actor, "", 200)
	if err != nil || len(list) == 0 {
		t.Fatalf("list invoices: %d, %v", len(list), err)
	}
	return list[len(list)-1].ID
}
