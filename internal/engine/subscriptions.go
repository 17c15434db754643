package engine

import (
	"context"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/recurring"
	"github.com/paygate/paygate/internal/webhook"
)

// Subscription events.
const (
	EventCyclePaid   = webhook.SubscriptionCyclePaid
	EventCycleFailed = webhook.SubscriptionCycleFailed
	EventPastDue     = webhook.SubscriptionPastDue
	EventCompleted   = webhook.SubscriptionCompleted
)

// SubscriptionInput creates a schedule.
type SubscriptionInput struct {
	MandateID     string
	Amount        int64
	Currency      string
	Interval      string
	IntervalCount int
	StartAt       time.Time // zero: now
	Cycles        int       // 0: no limit
	EndAt         *time.Time
	RetryDelays   []time.Duration // nil: recurring.DefaultRetryDelays
	Description   string
	Metadata      map[string]string
}

// CreateSubscription schedules charges on an active mandate.
func (e *Engine) CreateSubscription(ctx context.Context, a Actor, in SubscriptionInput) (*recurring.Schedule, error) {
	now := e.now()
	if err := validAmount("amount", in.Amount); err != nil {
		return nil, err
	}
	cur, err := money.Lookup(in.Currency)
	if err != nil {
		return nil, fault.InvalidParam("currency", "currency_invalid", "%q is not a supported ISO 4217 currency code", in.Currency)
	}
	switch in.Interval {
	case recurring.Day, recurring.Week, recurring.Month, recurring.Year:
	default:
		return nil, fault.InvalidParam("interval", "parameter_invalid", "interval must be day, week, month or year")
	}
	if in.IntervalCount == 0 {
		in.IntervalCount = 1
	}
	if in.IntervalCount < 1 || in.IntervalCount > 365 {
		return nil, fault.InvalidParam("interval_count", "parameter_invalid", "interval_count must be 1 to 365")
	}
	if in.Cycles < 0 {
		return nil, fault.InvalidParam("cycles", "parameter_invalid", "cycles must be 0 (no limit) or more")
	}
	if in.StartAt.IsZero() {
		in.StartAt = now
	}
	if in.StartAt.Before(now.Add(-24 * time.Hour)) {
		return nil, fault.InvalidParam("start_at", "parameter_invalid", "start_at cannot be more than a day in the past")
	}
	if in.EndAt != nil && !in.EndAt.After(in.StartAt) {
		return nil, fault.InvalidParam("end_at", "parameter_invalid", "end_at must be after start_at")
	}
	if in.RetryDelays == nil {
		in.RetryDelays = recurring.DefaultRetryDelays
	}
	if len(in.RetryDelays) > 10 {
		return nil, fault.InvalidParam("retry_delays", "parameter_invalid", "at most 10 retries")
	}
	for i, d := range in.RetryDelays {
		if d < time.Minute || d > 30*24*time.Hour {
			return nil, fault.InvalidParam("retry_delays", "parameter_invalid", "each retry delay is 60 seconds to 30 days")
		}
		if i > 0 && d <= in.RetryDelays[i-1] {
			return nil, fault.InvalidParam("retry_delays", "parameter_invalid", "retry delays count from the first decline, so each must be longer than the one before")
		}
	}
	if err := validText("description", in.Description, 1000); err != nil {
		return nil, err
	}
	if err := validMetadata(in.Metadata); err != nil {
		return nil, err
	}
	m, err := e.store.GetMandate(ctx, a.MerchantID, a.Mode, in.MandateID)
	if fault.IsNotFound(err) {
		return nil, fault.InvalidParam("mandate", "resource_missing", "no such mandate: %q", in.MandateID)
	}
	if err != nil {
		return nil, err
	}
	if m.Status != recurring.MandateActive {
		return nil, fault.New(fault.Conflict, "mandate_inactive", "mandate %s is %s", m.ID, m.Status)
	}
	s := &recurring.Schedule{ID: id.New("sub"), MerchantID: a.MerchantID, Mode: a.Mode, CustomerID: m.CustomerID, MandateID: m.ID,
		Amount: in.Amount, Currency: cur, Interval: in.Interval, IntervalCount: in.IntervalCount, StartAt: in.StartAt, Cycles: in.Cycles,
		EndAt: in.EndAt, Status: recurring.Active, NextChargeAt: in.StartAt, RetryDelays: in.RetryDelays,
		Description: in.Description, Metadata: in.Metadata, CreatedAt: now, UpdatedAt: now}
	err = e.store.Update(ctx, func(tx Tx) error {
		// Again under the mandate's lock: a revocation (the customer's
		// erasure) since the read above refuses it.
		m, err := tx.GetMandateForUpdate(ctx, a.MerchantID, a.Mode, in.MandateID)
		if err != nil {
			return err
		}
		if m.Status != recurring.MandateActive {
			return fault.New(fault.Conflict, "mandate_inactive", "mandate %s is %s", m.ID, m.Status)
		}
		if err := tx.InsertSubscription(ctx, s); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("subscription.created"), "subscription", s.ID, nil))
	})
	if err != nil {
		return nil, err
	}
	e.wakeScheduler()
	return s, nil
}

// GetSubscription returns a schedule.
func (e *Engine) GetSubscription(ctx context.Context, a Actor, sid string) (*recurring.Schedule, error) {
	return e.store.GetSubscription(ctx, a.MerchantID, a.Mode, sid)
}

// ListSubscriptions lists schedules, newest first.
func (e *Engine) ListSubscriptions(ctx context.Context, a Actor, startingAfter string, limit int) ([]*recurring.Schedule, error) {
	return e.store.ListSubscriptions(ctx, a.MerchantID, a.Mode, startingAfter, limit)
}

// ChangeSubscription pauses, resumes or cancels a schedule. Resuming never
// charges the cycles that fell due while the schedule was stopped
// (recurring.Schedule.Resume): a past-due schedule is charged once at
// once, a paused one at its next cycle due from now on.
func (e *Engine) ChangeSubscription(ctx context.Context, a Actor, sid, action string) (*recurring.Schedule, error) {
	var out *recurring.Schedule
	err := e.store.Update(ctx, func(tx Tx) error {
		s, err := tx.GetSubscriptionForUpdate(ctx, a.MerchantID, a.Mode, sid)
		if err != nil {
			return err
		}
		now := e.now()
		bad := func() error {
			return fault.New(fault.Conflict, "subscription_invalid_state", "subscription %s is %s and cannot be %s", s.ID, s.Status, action)
		}
		switch action {
		case "pause":
			if s.Status != recurring.Active {
				return bad()
			}
			s.Status = recurring.Paused
		case "resume":
			if !s.Resume(now) {
				return bad()
			}
		case "cancel":
			if s.Status == recurring.Canceled || s.Status == recurring.Completed {
				return bad()
			}
			s.Status = recurring.Canceled
		default:
			return fault.InvalidParam("action", "parameter_invalid", "action must be pause, resume or cancel")
		}
		s.UpdatedAt = now
		out = s
		if err := tx.UpdateSubscription(ctx, s); err != nil {
			return err
		}
		if s.Status == recurring.Completed {
			// Resumed after its end date: nothing is left to charge.
			if err := e.emitObject(ctx, tx, s.MerchantID, s.Mode, EventCompleted, s.ID, s); err != nil {
				return err
			}
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("subscription."+action), "subscription", s.ID, nil))
	})
	if err == nil && action == "resume" {
		e.wakeScheduler()
	}
	return out, err
}

func (e *Engine) wakeScheduler() {
	select {
	case e.schedWake <- struct{}{}:
	default:
	}
}

// RunScheduler charges due schedules and sends invoice reminders until ctx ends, every interval or when
// a schedule is created or resumed.
func (e *Engine) RunScheduler(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for ctx.Err() == nil {
		if _, err := e.RemindInvoices(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("invoice reminders failed", "err", err)
		}
		if n, err := e.ChargeDueSubscriptions(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("subscription charges failed", "err", err)
		} else if n > 0 {
			continue
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-e.schedWake:
		}
	}
}

// ChargeDueSubscriptions charges every schedule due now (up to 50 a pass),
// once per cycle attempt even with several processes: each schedule is
// claimed (SKIP LOCKED) just before it is charged, for a lease that covers
// one charge, and its payment's idempotency key is the schedule, cycle and
// attempt, so a second process that gets there anyway (a lease that ran
// out) replays the first one's payment, or finds it still in progress and
// looks again later, instead of charging again.
func (e *Engine) ChargeDueSubscriptions(ctx context.Context) (int, error) {
	n := 0
	for n < 50 && ctx.Err() == nil {
		var due []*recurring.Schedule
		now := e.now()
		err := e.store.Update(ctx, func(tx Tx) error {
			var err error
			due, err = tx.ClaimDueSubscriptions(ctx, now, now.Add(e.subscriptionLease()), 1)
			return err
		})
		if err != nil {
			return n, err
		}
		if len(due) == 0 {
			break
		}
		n++
		if err := e.chargeCycle(ctx, due[0]); err != nil {
			e.log.Warn("subscription cycle not recorded", "subscription", due[0].ID, "err", err)
		}
	}
	return n, nil
}

// subscriptionLease is how long a claimed schedule is left to the process
// charging it: an authorization and its status lookup at two routes. A
// slower charge is still safe (see ChargeDueSubscriptions).
func (e *Engine) subscriptionLease() time.Duration { return 4*e.timeout + time.Minute }

// putOffDelay is when a try that could not be made (processor unavailable,
// rate limited, circuit open) is made again.
const putOffDelay = 15 * time.Minute

// tryLater reports whether a failed payment's code says that the processor
// did not decide about the card (it was unavailable, limited our rate or
// never received it), so the try says nothing about the payer and is made
// again later without counting as an attempt. Codes are the failure
// classes that connector.Retryable allows, the codes connectors give those
// classes, and the codes of answers paygate gave without sending anything
// (no processor configured, vault down, an internal error), which a replay
// of the try's idempotency key repeats.
func tryLater(code string) bool {
	if connector.Retryable(&connector.Error{Class: connector.Class(code)}) {
		return true
	}
	switch code {
	case "circuit_open", "processor_unavailable", "connection_failed", "processor_no_record", "processor_not_configured",
		"vault_not_configured", "internal_error":
		return true
	}
	return false
}

func (e *Engine) chargeCycle(ctx context.Context, s *recurring.Schedule) error {
	a := Actor{MerchantID: s.MerchantID, Mode: s.Mode}
	key := "subscription:" + s.ID + ":" + strconv.Itoa(s.CyclesPaid+1) + ":" + strconv.Itoa(s.Attempt+1)
	if s.Seq > 0 {
		key += ":" + strconv.Itoa(s.Seq) // a try after a put-off one or a resume
	}
	md := map[string]string{"subscription": s.ID, "cycle": strconv.Itoa(s.CyclesPaid + 1)}
	for k, v := range s.Metadata {
		md[k] = v
	}
	p, payErr := e.payOnce(ctx, a, CreatePaymentInput{Amount: s.Amount, Currency: s.Currency.Code, Recurring: "repeated", MandateID: s.MandateID,
		Customer: s.CustomerID, Description: s.Description, Metadata: md}, key)
	return e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.GetSubscriptionForUpdate(ctx, s.MerchantID, s.Mode, s.ID)
		if err != nil {
			return err
		}
		paid := payErr == nil && (p.Status == payment.Authorized || p.Status == payment.Captured)
		same := cur.CyclesPaid == s.CyclesPaid && cur.Attempt == s.Attempt
		if !same || cur.Status != recurring.Active && !(paid && cur.Status == recurring.Paused) {
			// Changed meanwhile (another process recorded this try, or the
			// schedule was stopped): just release the claim. A payment that
			// went through is still recorded on a schedule paused meanwhile.
			return tx.UpdateSubscription(ctx, cur)
		}
		now := e.now()
		var events []string
		switch kind := fault.KindOf(payErr); {
		case payErr != nil && (kind == fault.IdempotencyInProgress || kind == fault.Internal):
			// Another process is charging this very try (its lease ran
			// out), or ours broke half-way: look again later; the same key
			// then replays the answer, or the payment recovery resolved.
			cur.NextChargeAt, cur.UpdatedAt = now.Add(2*e.timeout), now
		case payErr != nil && (kind == fault.Unavailable || kind == fault.RateLimited || tryLater(fault.As(payErr).Code)):
			// Not sent (no processor, vault down), or the replay of such an answer.
			cur.PutOff("", now.Add(putOffDelay), now)
		case payErr != nil:
			cur.Declined("", false, now)
			events = append(events, EventCycleFailed, EventPastDue)
		case paid:
			status := cur.Status
			cur.Paid(p.ID, now)
			if status == recurring.Paused && cur.Status == recurring.Active {
				cur.Status = recurring.Paused
			}
			events = append(events, EventCyclePaid)
			if cur.Status == recurring.Completed {
				events = append(events, EventCompleted)
			}
		case p.Status == payment.Failed && tryLater(p.FailureCode):
			cur.PutOff(p.ID, now.Add(putOffDelay), now)
		case p.Status == payment.Failed || p.Status == payment.Expired:
			events = append(events, EventCycleFailed)
			if cur.Declined(p.ID, recurring.SoftDecline(p.FailureCode), now) {
				events = append(events, EventPastDue)
			}
		default:
			// Pending at the processor, or an outcome still unknown (a
			// timeout): look again later; the same key finds the same payment.
			cur.LastPayment, cur.NextChargeAt, cur.UpdatedAt = p.ID, now.Add(time.Hour), now
		}
		if err := tx.UpdateSubscription(ctx, cur); err != nil {
			return err
		}
		for _, typ := range events {
			if err := e.emitObject(ctx, tx, cur.MerchantID, cur.Mode, typ, cur.ID, cur); err != nil {
				return err
			}
		}
		return nil
	})
}
