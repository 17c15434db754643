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

// DefaultRetryDelays place the retries of a soft decline 1, 3 and 7 days
// after the cycle's first decline: four tries in all, over a week.
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
	// CyclesPaid counts cycles charged; the next charge is number CyclesPaid+1.
	CyclesPaid int
	// Cycle is the 0-based index of the cycle the next charge is for: its
	// due date is CycleAt(StartAt, Interval, IntervalCount, Cycle). It
	// equals CyclesPaid unless cycles were skipped while the schedule was
	// paused or past due.
	Cycle int
	// Attempt counts tries of the current cycle that were declined.
	Attempt int
	// FailingSince is when the current cycle was first declined (zero:
	// not declined); the retry delays count from it.
	FailingSince time.Time
	// Seq makes each new try's idempotency key new: it grows when a try is
	// put off (processor unavailable) and when the schedule is resumed,
	// and never goes back.
	Seq          int
	NextChargeAt time.Time
	// RetryDelays are the retries of a soft decline, each an offset from
	// the cycle's first decline (increasing).
	RetryDelays []time.Duration
	LastPayment string
	Description string
	Metadata    map[string]string
	CreatedAt   time.Time
	UpdatedAt   time.Time
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

// Done reports whether no charge is left: Cycles charges were made, or
// the current cycle falls after EndAt.
func (s *Schedule) Done() bool {
	if s.Cycles > 0 && s.CyclesPaid >= s.Cycles {
		return true
	}
	return s.EndAt != nil && s.cycleAt(s.Cycle).After(*s.EndAt)
}

func (s *Schedule) cycleAt(n int) time.Time {
	return CycleAt(s.StartAt, s.Interval, s.IntervalCount, n)
}

// Paid advances the schedule after its current cycle was charged at now.
func (s *Schedule) Paid(paymentID string, now time.Time) {
	s.CyclesPaid++
	s.Cycle++
	s.Attempt, s.FailingSince = 0, time.Time{}
	s.LastPayment, s.UpdatedAt = paymentID, now
	if s.Done() {
		s.Status = Completed
		return
	}
	s.NextChargeAt = s.cycleAt(s.Cycle)
}

// Declined records a failed charge: a soft (retryable) decline is tried
// again at the next retry delay after the cycle's first decline; a hard
// one, or a soft one with no retry left, makes the schedule past due. It
// reports whether it went past due.
func (s *Schedule) Declined(paymentID string, soft bool, now time.Time) bool {
	s.Attempt++
	if s.FailingSince.IsZero() {
		s.FailingSince = now
	}
	s.LastPayment, s.UpdatedAt = paymentID, now
	if soft && s.Attempt <= len(s.RetryDelays) {
		k := s.Attempt - 1
		s.NextChargeAt = s.FailingSince.Add(s.RetryDelays[k])
		if !s.NextChargeAt.After(now) {
			// The retry came late (paygate was down): keep the retries as
			// far apart as planned rather than trying again at once.
			gap := s.RetryDelays[k]
			if k > 0 && s.RetryDelays[k]-s.RetryDelays[k-1] > 0 {
				gap = s.RetryDelays[k] - s.RetryDelays[k-1]
			}
			s.NextChargeAt = now.Add(gap)
		}
		return false
	}
	s.Status = PastDue
	return true
}

// PutOff records a try that could not be made or whose outcome says
// nothing about the card (processor unavailable, rate limited): the same
// cycle is tried again at next, with a new idempotency key, and the try
// does not count as an attempt.
func (s *Schedule) PutOff(paymentID string, next, now time.Time) {
	s.Seq++
	if paymentID != "" {
		s.LastPayment = paymentID
	}
	s.NextChargeAt, s.UpdatedAt = next, now
}

// Resume makes a paused or past-due schedule active again at now. Cycles
// that fell due while it was stopped are skipped, never charged:
//   - a paused schedule whose next charge is still ahead keeps it; one
//     whose charge fell due while paused moves on to the first cycle due
//     at or after now;
//   - a past-due schedule is charged once at now, for the cycle now falls
//     in, with a fresh set of retries; the next charge is the cycle after.
//
// It reports false, changing nothing, when s is neither paused nor past
// due. A schedule whose remaining cycles all lie after EndAt completes.
func (s *Schedule) Resume(now time.Time) bool {
	switch s.Status {
	case Paused:
		if s.NextChargeAt.Before(now) {
			for s.cycleAt(s.Cycle).Before(now) {
				s.Cycle++
			}
			s.NextChargeAt = s.cycleAt(s.Cycle)
			s.Attempt, s.FailingSince = 0, time.Time{}
		}
	case PastDue:
		for !s.cycleAt(s.Cycle + 1).After(now) {
			s.Cycle++
		}
		s.Attempt, s.FailingSince, s.NextChargeAt = 0, time.Time{}, now
	default:
		return false
	}
	s.Seq++
	s.Status, s.UpdatedAt = Active, now
	if s.Done() {
		s.Status = Completed
	}
	return true
}

// SoftDecline reports whether a decline code may succeed if tried later.
// A payment the processor left pending until it expired counts as one.
func SoftDecline(code string) bool {
	switch code {
	case "insufficient_funds", "processing_error", "generic_decline", "card_declined", "call_issuer", "try_again_later", "pending_expired":
		return true
	}
	return false
}
