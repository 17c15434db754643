// Package recurring holds mandates (a payer's consent to be charged later on
// a saved card) and schedules (subscriptions): when each cycle falls due,
// and what a decline does to the schedule.
package recurring

import (
	"time"

	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// MandateStatus is where a mandate stands.
type MandateStatus string

// Mandate statuses.
const (
	MandateInactive MandateStatus = "inactive" // its initial payment has not succeeded (yet)
	MandateActive   MandateStatus = "active"
	MandateRevoked  MandateStatus = "revoked"
)

// Mandate is the consent, given with an initial payment, to charge a saved
// card later without the payer (merchant-initiated, card on file).
type Mandate struct {
	ID               string
	MerchantID       string
	Mode             payment.Mode
	CustomerID       string
	PaymentMethodID  string
	InitialPaymentID string
	Status           MandateStatus
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Interval units of a schedule.
const (
	Day   = "day"
	Week  = "week"
	Month = "month"
	Year  = "year"
)

// Status is where a schedule stands.
type Status string

// Schedule statuses.
const (
	Active    Status = "active"
	Paused    Status = "paused"
	PastDue   Status = "past_due" // retries ran out or a hard decline: no more charges until resumed
	Canceled  Status = "canceled"
	Completed Status = "completed" // every cycle charged, or the end date passed
)

// DefaultRetryDelays space the retries of a soft decline: three more tries
// over a week.
var DefaultRetryDelays = []time.Duration{24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour}

// Schedule charges a mandate an amount every interval.
type Schedule struct {
	ID            string
	MerchantID    string
	Mode          payment.Mode
	CustomerID    string
	MandateID     string
	Amount        int64
	Currency      money.Currency
	Interval      string
	IntervalCount int
	StartAt       time.Time
	// Cycles is how many charges in all (0: until EndAt or canceled).
	Cycles int
	EndAt  *time.Time
	Status Status
	// CyclesPaid counts cycles charged; the next cycle is CyclesPaid+1.
	CyclesPaid int
	// Attempt counts tries of the current cycle that failed.
	Attempt      int
	NextChargeAt time.Time
	RetryDelays  []time.Duration
	LastPayment  string
	Description  string
	Metadata     map[string]string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// CycleAt is when cycle n (0-based) falls due: start plus n intervals,
// counted from the start so months keep their day (a schedule starting on
// 31 January charges on 28 or 29 February, then 31 March).
func CycleAt(start time.Time, interval string, count, n int) time.Time {
	k := count * n
	switch interval {
	case Day:
		return start.AddDate(0, 0, k)
	case Week:
		return start.AddDate(0, 0, 7*k)
	case Year:
		return addMonths(start, 12*k)
	default:
		return addMonths(start, k)
	}
}

func addMonths(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// Done reports whether no cycle is left after CyclesPaid.
func (s *Schedule) Done() bool {
	if s.Cycles > 0 && s.CyclesPaid >= s.Cycles {
		return true
	}
	return s.EndAt != nil && CycleAt(s.StartAt, s.Interval, s.IntervalCount, s.CyclesPaid).After(*s.EndAt)
}

// Paid advances the schedule after its current cycle was charged at now.
func (s *Schedule) Paid(paymentID string, now time.Time) {
	s.CyclesPaid++
	s.Attempt = 0
	s.LastPayment, s.UpdatedAt = paymentID, now
	if s.Done() {
		s.Status = Completed
		return
	}
	s.NextChargeAt = CycleAt(s.StartAt, s.Interval, s.IntervalCount, s.CyclesPaid)
}

// Declined records a failed charge: a soft (retryable) decline is tried
// again after the next retry delay; a hard one, or a soft one with no retry
// left, makes the schedule past due. It reports whether it went past due.
func (s *Schedule) Declined(paymentID string, soft bool, now time.Time) bool {
	s.Attempt++
	s.LastPayment, s.UpdatedAt = paymentID, now
	if soft && s.Attempt <= len(s.RetryDelays) {
		s.NextChargeAt = now.Add(s.RetryDelays[s.Attempt-1])
		return false
	}
	s.Status = PastDue
	return true
}

// SoftDecline reports whether a decline code may succeed if tried later.
func SoftDecline(code string) bool {
	switch code {
	case "insufficient_funds", "processing_error", "generic_decline", "card_declined", "call_issuer", "try_again_later":
		return true
	}
	return false
}
