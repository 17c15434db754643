package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/recurring"
)

const mandateColumns = `id, merchant_id, mode, customer_id, payment_method_id, initial_payment_id, status, created_at, updated_at`

func scanMandate(s scanner) (*recurring.Mandate, error) {
	var m recurring.Mandate
	var created, updated int64
	if err := s.Scan(&m.ID, &m.MerchantID, &m.Mode, &m.CustomerID, &m.PaymentMethodID, &m.InitialPaymentID, &m.Status, &created, &updated); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &m, nil
}

// InsertMandate implements engine.Tx.
func (t *Tx) InsertMandate(ctx context.Context, m *recurring.Mandate) error {
	_, err := t.exec(ctx, `INSERT INTO mandates (`+mandateColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.MerchantID, string(m.Mode), m.CustomerID, m.PaymentMethodID, m.InitialPaymentID, string(m.Status), micros(m.CreatedAt), micros(m.UpdatedAt))
	return err
}

// GetMandateForUpdate implements engine.Tx.
func (t *Tx) GetMandateForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*recurring.Mandate, error) {
	m, err := scanMandate(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+mandateColumns+` FROM mandates WHERE id = ? AND merchant_id = ? AND mode = ?`+t.D.ForUpdate), id, merchantID, string(mode)))
	return one(m, err, "mandate", id)
}

// UpdateMandate implements engine.Tx.
func (t *Tx) UpdateMandate(ctx context.Context, m *recurring.Mandate) error {
	_, err := t.exec(ctx, `UPDATE mandates SET status = ?, updated_at = ? WHERE id = ?`, string(m.Status), micros(m.UpdatedAt), m.ID)
	return err
}

// GetMandate implements engine.Reader.
func (r *Reader) GetMandate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*recurring.Mandate, error) {
	m, err := scanMandate(r.row(ctx, `SELECT `+mandateColumns+` FROM mandates WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	return one(m, err, "mandate", id)
}

const subscriptionColumns = `id, merchant_id, mode, customer_id, mandate_id, amount, currency, interval_unit, interval_count, start_at,
 cycles, end_at, status, cycles_paid, attempt, next_charge_at, retry_delays, last_payment, description, metadata, created_at, updated_at,
 cycle_index, failing_since, try_seq`

func scanSubscription(s scanner) (*recurring.Schedule, error) {
	var sc recurring.Schedule
	var currency, delays, md string
	var start, next, created, updated int64
	var end, failing sql.NullInt64
	err := s.Scan(&sc.ID, &sc.MerchantID, &sc.Mode, &sc.CustomerID, &sc.MandateID, &sc.Amount, &currency, &sc.Interval, &sc.IntervalCount,
		&start, &sc.Cycles, &end, &sc.Status, &sc.CyclesPaid, &sc.Attempt, &next, &delays, &sc.LastPayment, &sc.Description, &md, &created, &updated,
		&sc.Cycle, &failing, &sc.Seq)
	if err != nil {
		return nil, err
	}
	if sc.Currency, err = money.Lookup(currency); err != nil {
		return nil, err
	}
	for _, f := range strings.Fields(delays) {
		if n, err := strconv.ParseInt(f, 10, 64); err == nil {
			sc.RetryDelays = append(sc.RetryDelays, time.Duration(n)*time.Second)
		}
	}
	sc.StartAt, sc.NextChargeAt, sc.EndAt = fromMicros(start), fromMicros(next), timePtr(end)
	sc.Metadata, sc.CreatedAt, sc.UpdatedAt = decodeMap(md), fromMicros(created), fromMicros(updated)
	if failing.Valid {
		sc.FailingSince = fromMicros(failing.Int64)
	}
	return &sc, nil
}

// failingSince stores a zero time as NULL.
func failingSince(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return nullMicros(&t)
}

func encodeDelays(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = strconv.FormatInt(int64(d/time.Second), 10)
	}
	return strings.Join(parts, " ")
}

// InsertSubscription implements engine.Tx.
func (t *Tx) InsertSubscription(ctx context.Context, s *recurring.Schedule) error {
	_, err := t.exec(ctx, `INSERT INTO subscriptions (`+subscriptionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.MerchantID, string(s.Mode), s.CustomerID, s.MandateID, s.Amount, s.Currency.Code, s.Interval, s.IntervalCount, micros(s.StartAt),
		s.Cycles, nullMicros(s.EndAt), string(s.Status), s.CyclesPaid, s.Attempt, micros(s.NextChargeAt), encodeDelays(s.RetryDelays),
		s.LastPayment, s.Description, encodeMap(s.Metadata), micros(s.CreatedAt), micros(s.UpdatedAt),
		s.Cycle, failingSince(s.FailingSince), s.Seq)
	return err
}

// GetSubscriptionForUpdate implements engine.Tx.
func (t *Tx) GetSubscriptionForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*recurring.Schedule, error) {
	s, err := scanSubscription(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+subscriptionColumns+` FROM subscriptions WHERE id = ? AND merchant_id = ? AND mode = ?`+t.D.ForUpdate), id, merchantID, string(mode)))
	return one(s, err, "subscription", id)
}

// UpdateSubscription implements engine.Tx; it also releases a claim.
func (t *Tx) UpdateSubscription(ctx context.Context, s *recurring.Schedule) error {
	_, err := t.exec(ctx, `UPDATE subscriptions SET status = ?, cycles_paid = ?, attempt = ?, next_charge_at = ?, locked_until = 0,
 last_payment = ?, updated_at = ?, cycle_index = ?, failing_since = ?, try_seq = ? WHERE id = ?`,
		string(s.Status), s.CyclesPaid, s.Attempt, micros(s.NextChargeAt), s.LastPayment, micros(s.UpdatedAt),
		s.Cycle, failingSince(s.FailingSince), s.Seq, s.ID)
	return err
}

// ClaimDueSubscriptions implements engine.Tx: active schedules due by now,
// leased until lease so that no other process charges them meanwhile.
func (t *Tx) ClaimDueSubscriptions(ctx context.Context, now, lease time.Time, limit int) ([]*recurring.Schedule, error) {
	due, err := listTx(t, ctx, scanSubscription, `SELECT `+subscriptionColumns+` FROM subscriptions
 WHERE status = 'active' AND next_charge_at <= ? AND locked_until <= ? ORDER BY next_charge_at LIMIT ?`+t.D.SkipLocked, micros(now), micros(now), limit)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	args := []any{micros(lease)}
	for _, s := range due {
		args = append(args, s.ID)
	}
	_, err = t.exec(ctx, `UPDATE subscriptions SET locked_until = ? WHERE id IN (`+placeholders(len(due))+`)`, args...)
	return due, err
}

// GetSubscription implements engine.Reader.
func (r *Reader) GetSubscription(ctx context.Context, merchantID string, mode payment.Mode, id string) (*recurring.Schedule, error) {
	s, err := scanSubscription(r.row(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	return one(s, err, "subscription", id)
}

// ListSubscriptions implements engine.Reader.
func (r *Reader) ListSubscriptions(ctx context.Context, merchantID string, mode payment.Mode, startingAfter string, limit int) ([]*recurring.Schedule, error) {
	q := `SELECT ` + subscriptionColumns + ` FROM subscriptions WHERE merchant_id = ? AND mode = ?`
	args := []any{merchantID, string(mode)}
	if startingAfter != "" {
		q += ` AND id < ?`
		args = append(args, startingAfter)
	}
	return list(r, ctx, scanSubscription, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
}
