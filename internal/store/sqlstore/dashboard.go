package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

var _ engine.DashboardReader = (*Reader)(nil)

// PaymentLedger implements engine.DashboardReader (index ledger_lines_payment).
func (r *Reader) PaymentLedger(ctx context.Context, merchantID string, mode payment.Mode, paymentID string) ([]engine.LedgerEntry, error) {
	rows, err := r.q().QueryContext(ctx, r.D.Rebind(`SELECT posting_id, seq, operation_id, kind, account, role, amount, currency, created_at
 FROM ledger_lines WHERE payment_id = ? AND merchant_id = ? AND mode = ? ORDER BY created_at, posting_id, seq`),
		paymentID, merchantID, string(mode))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []engine.LedgerEntry
	for rows.Next() {
		var l engine.LedgerEntry
		var at int64
		if err := rows.Scan(&l.PostingID, &l.Seq, &l.OperationID, &l.Kind, &l.Account, &l.Role, &l.Amount, &l.Currency, &at); err != nil {
			return nil, err
		}
		l.At = fromMicros(at)
		out = append(out, l)
	}
	return out, rows.Err()
}

const microsPerDay = int64(24 * time.Hour / time.Microsecond)

// DailyPayments implements engine.DashboardReader (index payments_created):
// created_at is UTC microseconds, so integer division gives the UTC day.
func (r *Reader) DailyPayments(ctx context.Context, merchantID string, mode payment.Mode, since time.Time) ([]engine.DailyPayments, error) {
	day := "created_at / " + strconv.FormatInt(microsPerDay, 10)
	rows, err := r.q().QueryContext(ctx, r.D.Rebind(`SELECT `+day+`, currency, config, status, COUNT(*), SUM(amount)
 FROM payments WHERE merchant_id = ? AND mode = ? AND created_at >= ?
 GROUP BY `+day+`, currency, config, status ORDER BY 1, currency, config, status`),
		merchantID, string(mode), micros(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []engine.DailyPayments
	for rows.Next() {
		var d engine.DailyPayments
		var day int64
		var status string
		if err := rows.Scan(&day, &d.Currency, &d.Config, &status, &d.Count, &d.Amount); err != nil {
			return nil, err
		}
		d.Day, d.Status = time.Unix(day*86400, 0).UTC(), payment.Status(status)
		out = append(out, d)
	}
	return out, rows.Err()
}
