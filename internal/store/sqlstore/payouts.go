package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/payout"
)

const payoutColumns = `id, merchant_id, mode, status, amount, currency, destination, description, reference, metadata,
 connector, processor_ref, failure_code, failure_message, idempotency_key, created_at, updated_at`

func scanPayout(s scanner) (*payout.Payout, error) {
	var p payout.Payout
	var currency, dest, md string
	var created, updated int64
	err := s.Scan(&p.ID, &p.MerchantID, &p.Mode, &p.Status, &p.Amount, &currency, &dest, &p.Description, &p.Reference, &md,
		&p.Connector, &p.ProcessorRef, &p.FailureCode, &p.FailureMessage, &p.IdempotencyKey, &created, &updated)
	if err != nil {
		return nil, err
	}
	if p.Currency, err = money.Lookup(currency); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(dest), &p.Destination); err != nil {
		return nil, err
	}
	p.Metadata, p.CreatedAt, p.UpdatedAt = decodeMap(md), fromMicros(created), fromMicros(updated)
	return &p, nil
}

// InsertPayout implements engine.Tx.
func (t *Tx) InsertPayout(ctx context.Context, p *payout.Payout) error {
	dest, _ := json.Marshal(p.Destination)
	_, err := t.exec(ctx, `INSERT INTO payouts (`+payoutColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.MerchantID, string(p.Mode), string(p.Status), p.Amount, p.Currency.Code, string(dest), p.Description, p.Reference,
		encodeMap(p.Metadata), p.Connector, p.ProcessorRef, p.FailureCode, p.FailureMessage, p.IdempotencyKey, micros(p.CreatedAt), micros(p.UpdatedAt))
	return err
}

// GetPayoutForUpdate implements engine.Tx.
func (t *Tx) GetPayoutForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payout.Payout, error) {
	p, err := scanPayout(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+payoutColumns+` FROM payouts WHERE id = ? AND merchant_id = ? AND mode = ?`+t.D.ForUpdate), id, merchantID, string(mode)))
	return one(p, err, "payout", id)
}

// UpdatePayout implements engine.Tx.
func (t *Tx) UpdatePayout(ctx context.Context, p *payout.Payout) error {
	_, err := t.exec(ctx, `UPDATE payouts SET status = ?, processor_ref = ?, failure_code = ?, failure_message = ?, updated_at = ?
 WHERE id = ? AND merchant_id = ? AND mode = ?`, string(p.Status), p.ProcessorRef, p.FailureCode, p.FailureMessage, micros(p.UpdatedAt),
		p.ID, p.MerchantID, string(p.Mode))
	return err
}

// LockBalance implements engine.Tx: it serializes the merchant's payouts
// (PostgreSQL row lock; SQLite has one writer) and returns the available
// balance in a currency.
func (t *Tx) LockBalance(ctx context.Context, merchantID string, mode payment.Mode, currency string) (int64, error) {
	var id string
	if err := t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT id FROM merchants WHERE id = ?`+t.D.ForUpdate), merchantID).Scan(&id); err != nil {
		return 0, err
	}
	var sum int64
	err := t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT COALESCE(SUM(amount), 0) FROM ledger_lines WHERE merchant_id = ? AND mode = ? AND role = ? AND currency = ?`),
		merchantID, string(mode), ledger.RoleAvailable, currency).Scan(&sum)
	return sum, err
}

// GetPayout implements engine.Reader.
func (r *Reader) GetPayout(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payout.Payout, error) {
	p, err := scanPayout(r.row(ctx, `SELECT `+payoutColumns+` FROM payouts WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	return one(p, err, "payout", id)
}

// ListPayouts implements engine.Reader.
func (r *Reader) ListPayouts(ctx context.Context, merchantID string, mode payment.Mode, startingAfter string, limit int) ([]*payout.Payout, error) {
	q := `SELECT ` + payoutColumns + ` FROM payouts WHERE merchant_id = ? AND mode = ?`
	args := []any{merchantID, string(mode)}
	if startingAfter != "" {
		q += ` AND id < ?`
		args = append(args, startingAfter)
	}
	return list(r, ctx, scanPayout, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
}

// EachPayoutBalance implements engine.Reader: every payout with the sums of
// its ledger lines by role.
func (r *Reader) EachPayoutBalance(ctx context.Context, fn func(p *payout.Payout, pending, paid, available int64) error) error {
	cols := "p." + joinPrefixed(payoutColumns)
	rows, err := r.q().QueryContext(ctx, `SELECT `+cols+`, COALESCE(l.pending, 0), COALESCE(l.paid, 0), COALESCE(l.available, 0)
 FROM payouts p LEFT JOIN (SELECT payment_id,
   SUM(CASE WHEN role = 'payouts_pending' THEN amount ELSE 0 END) AS pending,
   SUM(CASE WHEN role = 'payouts' THEN amount ELSE 0 END) AS paid,
   SUM(CASE WHEN role = 'available' THEN amount ELSE 0 END) AS available
   FROM ledger_lines WHERE payment_id LIKE 'po_%' GROUP BY payment_id) l ON l.payment_id = p.id ORDER BY p.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pending, paid, available int64
		p, err := scanPayout(multiScanner{rows, []any{&pending, &paid, &available}})
		if err != nil {
			return err
		}
		if err := fn(p, pending, paid, available); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PendingPayouts implements engine.Reader: payouts (any merchant) still
// pending and last updated before a time: their outcome was not known.
func (r *Reader) PendingPayouts(ctx context.Context, updatedBefore time.Time, limit int) ([]*payout.Payout, error) {
	return list(r, ctx, scanPayout, `SELECT `+payoutColumns+` FROM payouts WHERE status = 'pending' AND updated_at < ? ORDER BY updated_at LIMIT ?`,
		micros(updatedBefore), limit)
}
