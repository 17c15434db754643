// Package invoice holds invoices: what a customer owes, the payment link
// that pays it, and when to remind them.
package invoice

import (
	"time"

	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// Status is where an invoice stands.
type Status string

// Invoice statuses.
const (
	Open     Status = "open"
	Paid     Status = "paid"
	Canceled Status = "canceled"
	Expired  Status = "expired" // the payment link ran out unpaid
)

// Line is one item of an invoice.
type Line struct {
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	UnitAmount  int64  `json:"unit_amount"`
}

// Invoice asks a customer to pay an amount by a due date through a link.
type Invoice struct {
	ID            string
	MerchantID    string
	Mode          payment.Mode
	Number        string
	CustomerEmail string
	CustomerName  string
	Currency      money.Currency
	Lines         []Line
	Total         int64
	Memo          string
	Locale        string
	DueAt         time.Time
	ExpiresAt     time.Time
	Status        Status
	// TokenHash is the SHA-256 of the payment link's token; the token itself
	// is kept sealed by the vault (TokenKeyID, SealedToken) for reminders.
	TokenHash   string
	TokenKeyID  string
	SealedToken []byte
	// SessionID is the checkout session the link opened last.
	SessionID string
	PaymentID string
	// RemindedBefore: the reminder before the due date went; Overdue counts
	// the reminders after it.
	RemindedBefore bool
	Overdue        int
	LastReminderAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Reminder schedule: one reminder this long before the due date, then
// overdue reminders one day after it and every week after that, three at most.
const (
	RemindBefore  = 3 * 24 * time.Hour
	FirstOverdue  = 24 * time.Hour
	OverdueEvery  = 7 * 24 * time.Hour
	MaxOverdue    = 3
	DefaultExpiry = 30 * 24 * time.Hour
)

// ReminderDue says which reminder, if any, should go at now.
func (in *Invoice) ReminderDue(now time.Time) (kind string, due bool) {
	if in.Status != Open || !now.Before(in.ExpiresAt) {
		return "", false
	}
	if now.Before(in.DueAt) {
		return "before_due", !in.RemindedBefore && !now.Before(in.DueAt.Add(-RemindBefore))
	}
	next := in.DueAt.Add(FirstOverdue + time.Duration(in.Overdue)*OverdueEvery)
	return "overdue", in.Overdue < MaxOverdue && !now.Before(next)
}

// Reminded records a reminder of a kind sent at now.
func (in *Invoice) Reminded(kind string, now time.Time) {
	if kind == "before_due" {
		in.RemindedBefore = true
	} else {
		in.Overdue++
	}
	in.LastReminderAt, in.UpdatedAt = &now, now
}

// Totals sums the lines: false if a line is invalid or the sum overflows.
func Totals(lines []Line) (int64, bool) {
	var total int64
	for _, l := range lines {
		if l.Quantity < 1 || l.UnitAmount < 1 || l.Quantity > 1_000_000 || l.UnitAmount > 1_000_000_000_000 {
			return 0, false
		}
		sub := l.Quantity * l.UnitAmount
		if sub/l.Quantity != l.UnitAmount || total+sub < total {
			return 0, false
		}
		total += sub
	}
	return total, len(lines) > 0
}
