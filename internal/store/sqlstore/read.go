package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/merchant"
	"github.com/paygate/paygate/internal/payment"
)

// Reader implements engine.Reader over a pool of connections.
type Reader struct {
	DB *sql.DB
	D  *Dialect
	// Q, when set, runs the queries (a statement cache over DB); else DB does.
	Q Querier
}

func (r *Reader) q() Querier {
	if r.Q != nil {
		return r.Q
	}
	return r.DB
}

func (r *Reader) row(ctx context.Context, q string, args ...any) *sql.Row {
	return r.q().QueryRowContext(ctx, r.D.Rebind(q), args...)
}

// GetMerchant implements engine.Reader.
func (r *Reader) GetMerchant(ctx context.Context, id string) (*merchant.Merchant, error) {
	var m merchant.Merchant
	var created int64
	err := r.row(ctx, `SELECT id, name, created_at FROM merchants WHERE id = ?`, id).Scan(&m.ID, &m.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("merchant", id)
	}
	m.CreatedAt = fromMicros(created)
	return &m, err
}

// GetPayment implements engine.Reader.
func (r *Reader) GetPayment(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payment.Payment, error) {
	p, err := scanPayment(r.row(ctx, `SELECT `+paymentColumns+` FROM payments WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("payment", id)
	}
	return p, err
}

func (r *Reader) payments(ctx context.Context, q string, args ...any) ([]*payment.Payment, error) {
	rows, err := r.q().QueryContext(ctx, r.D.Rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*payment.Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ListPayments implements engine.Reader: newest first, keyset pagination on id.
func (r *Reader) ListPayments(ctx context.Context, f engine.PaymentFilter) ([]*payment.Payment, error) {
	var where strings.Builder
	where.WriteString(`merchant_id = ? AND mode = ?`)
	args := []any{f.MerchantID, string(f.Mode)}
	add := func(cond string, v any) {
		where.WriteString(" AND " + cond)
		args = append(args, v)
	}
	if f.Status != "" {
		add("status = ?", string(f.Status))
	}
	if f.Reference != "" {
		add("reference = ?", f.Reference)
	}
	if !f.CreatedGTE.IsZero() {
		add("created_at >= ?", micros(f.CreatedGTE))
	}
	if !f.CreatedLT.IsZero() {
		add("created_at < ?", micros(f.CreatedLT))
	}
	if f.AmountGTE > 0 {
		add("amount >= ?", f.AmountGTE)
	}
	if f.AmountLTE > 0 {
		add("amount <= ?", f.AmountLTE)
	}
	if f.Last4 != "" {
		add("card_last4 = ?", f.Last4)
	}
	if f.Customer != "" && f.CustomerAlso != "" && f.CustomerAlso != f.Customer {
		add("customer IN (?, ?)", f.Customer)
		args = append(args, f.CustomerAlso)
	} else if f.Customer != "" {
		add("customer = ?", f.Customer)
	}
	if f.StartingAfter != "" {
		add("id < ?", f.StartingAfter)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 10
	}
	args = append(args, limit)
	return r.payments(ctx, `SELECT `+paymentColumns+` FROM payments WHERE `+where.String()+` ORDER BY id DESC LIMIT ?`, args...)
}

// ListOperations implements engine.Reader. Ids sort by creation only to
// the millisecond, so created_at orders first and the id breaks ties.
func (r *Reader) ListOperations(ctx context.Context, merchantID string, mode payment.Mode, paymentID string) ([]*payment.Operation, error) {
	rows, err := r.q().QueryContext(ctx, r.D.Rebind(`SELECT `+operationColumns+` FROM operations WHERE payment_id = ? AND merchant_id = ? AND mode = ? ORDER BY created_at, id`),
		paymentID, merchantID, string(mode))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*payment.Operation
	for rows.Next() {
		op, err := scanOperation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, op)
	}
	return out, rows.Err()
}

// Balances implements engine.Reader.
func (r *Reader) Balances(ctx context.Context, merchantID string, mode payment.Mode) ([]engine.Balance, error) {
	rows, err := r.q().QueryContext(ctx, r.D.Rebind(`SELECT role, currency, SUM(amount) FROM ledger_lines
 WHERE merchant_id = ? AND mode = ? GROUP BY role, currency ORDER BY currency, role`), merchantID, string(mode))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []engine.Balance
	for rows.Next() {
		var b engine.Balance
		if err := rows.Scan(&b.Role, &b.Currency, &b.Amount); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// UnbalancedPostings implements engine.Reader.
func (r *Reader) UnbalancedPostings(ctx context.Context) ([]string, error) {
	rows, err := r.q().QueryContext(ctx, `SELECT DISTINCT posting_id FROM (SELECT posting_id, currency FROM ledger_lines
 GROUP BY posting_id, currency HAVING SUM(amount) <> 0) unbalanced ORDER BY posting_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// EachPaymentBalance implements engine.Reader with one pass over payments
// joined to their summed ledger lines.
func (r *Reader) EachPaymentBalance(ctx context.Context, fn func(*payment.Payment, ledger.PaymentBalances) error) error {
	cols := "p." + joinPrefixed(paymentColumns)
	rows, err := r.q().QueryContext(ctx, `SELECT `+cols+`,
 COALESCE(l.holds, 0), COALESCE(l.available, 0), COALESCE(l.payers, 0), COALESCE(l.payouts, 0)
 FROM payments p LEFT JOIN (SELECT payment_id,
   SUM(CASE WHEN role = 'holds' THEN amount ELSE 0 END) AS holds,
   SUM(CASE WHEN role = 'available' THEN amount ELSE 0 END) AS available,
   SUM(CASE WHEN role = 'payers' THEN amount ELSE 0 END) AS payers,
   SUM(CASE WHEN role = 'payouts' THEN amount ELSE 0 END) AS payouts
   FROM ledger_lines GROUP BY payment_id) l ON l.payment_id = p.id ORDER BY p.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var b ledger.PaymentBalances
		p, err := scanPayment(multiScanner{rows, []any{&b.Holds, &b.Available, &b.Payers, &b.Payouts}})
		if err != nil {
			return err
		}
		if err := fn(p, b); err != nil {
			return err
		}
	}
	return rows.Err()
}

// joinPrefixed prefixes every column of a column list with "p.".
func joinPrefixed(columns string) string {
	return strings.ReplaceAll(strings.ReplaceAll(columns, "\n", ""), ", ", ", p.")
}

// multiScanner appends extra destinations to a row scan.
type multiScanner struct {
	rows  *sql.Rows
	extra []any
}

func (m multiScanner) Scan(dest ...any) error { return m.rows.Scan(append(dest, m.extra...)...) }

// PaymentsInStatus implements engine.Reader.
func (r *Reader) PaymentsInStatus(ctx context.Context, status payment.Status, updatedBefore time.Time, limit int) ([]*payment.Payment, error) {
	q := `SELECT ` + paymentColumns + ` FROM payments WHERE status = ? AND updated_at < ? ORDER BY updated_at LIMIT ?`
	switch status {
	case payment.Processing, payment.Pending, payment.RequiresAction:
		// Repeat the partial index's condition so the planner may use
		// payments_unresolved; other statuses scan (no caller needs them often).
		q = `SELECT ` + paymentColumns + ` FROM payments WHERE status = ? AND status IN ('processing', 'pending', 'requires_action') AND updated_at < ? ORDER BY updated_at LIMIT ?`
	}
	return r.payments(ctx, q, string(status), micros(updatedBefore), limit)
}

// PendingOperations implements engine.Reader (served by the partial index operations_pending).
func (r *Reader) PendingOperations(ctx context.Context, updatedBefore time.Time, limit int) ([]*payment.Operation, error) {
	rows, err := r.q().QueryContext(ctx, r.D.Rebind(`SELECT `+operationColumns+` FROM operations
 WHERE status = 'pending' AND kind IN ('capture', 'void', 'refund') AND updated_at < ? ORDER BY updated_at LIMIT ?`), micros(updatedBefore), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*payment.Operation
	for rows.Next() {
		op, err := scanOperation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, op)
	}
	return out, rows.Err()
}
