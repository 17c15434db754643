package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/merchant"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/webhook"
)

// Tx implements engine.Tx over one open transaction (or a connection inside
// a group-committed transaction).
type Tx struct {
	Q Querier
	D *Dialect
	// Writes counts statements that changed data, so a group committer knows
	// whether a failed function left anything to roll back.
	Writes int
}

var _ engine.Tx = (*Tx)(nil)

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := t.Q.ExecContext(ctx, t.D.Rebind(q), args...)
	if err == nil {
		t.Writes++
	}
	return res, err
}

// InsertMerchant implements engine.Tx.
func (t *Tx) InsertMerchant(ctx context.Context, m *merchant.Merchant) error {
	_, err := t.exec(ctx, `INSERT INTO merchants (id, name, created_at) VALUES (?, ?, ?)`, m.ID, m.Name, micros(m.CreatedAt))
	return err
}

const insertPayment = `INSERT INTO payments (` + paymentColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// InsertPayment implements engine.Tx.
func (t *Tx) InsertPayment(ctx context.Context, p *payment.Payment) error {
	_, err := t.exec(ctx, insertPayment, paymentArgs(p)...)
	return err
}

// GetPayment implements engine.Tx.
func (t *Tx) GetPayment(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payment.Payment, error) {
	return t.getPayment(ctx, merchantID, mode, id, "")
}

// GetPaymentForUpdate implements engine.Tx.
func (t *Tx) GetPaymentForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payment.Payment, error) {
	return t.getPayment(ctx, merchantID, mode, id, t.D.ForUpdate)
}

func (t *Tx) getPayment(ctx context.Context, merchantID string, mode payment.Mode, id, lock string) (*payment.Payment, error) {
	row := t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+paymentColumns+` FROM payments WHERE id = ? AND merchant_id = ? AND mode = ?`+lock), id, merchantID, string(mode))
	p, err := scanPayment(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("payment", id)
	}
	return p, err
}

// UpdatePayment implements engine.Tx.
func (t *Tx) UpdatePayment(ctx context.Context, p *payment.Payment) error {
	res, err := t.exec(ctx, `UPDATE payments SET status = ?, amount_authorized = ?, amount_captured = ?, amount_refunded = ?,
 amount_refund_pending = ?, in_flight = ?, card_brand = ?, card_first6 = ?, card_last4 = ?, card_exp_month = ?, card_exp_year = ?,
 card_holder = ?, card_fingerprint = ?, processor_ref = ?, failure_code = ?, failure_message = ?, next_action = ?, updated_at = ?,
 payment_method = ?, three_ds = ?, mandate = ?, connector = ?, config = ? WHERE id = ? AND merchant_id = ? AND mode = ?`,
		string(p.Status), p.Authorized, p.Captured, p.Refunded, p.RefundPending, p.InFlight,
		p.Card.Brand, p.Card.First6, p.Card.Last4, p.Card.ExpMonth, p.Card.ExpYear, p.Card.Holder, p.Card.Fingerprint,
		p.ProcessorRef, p.FailureCode, p.FailureMessage, encodeNextAction(p.NextAction), micros(p.UpdatedAt),
		p.PaymentMethod, encodeThreeDS(p.ThreeDS), p.Mandate, p.Connector, p.Config, p.ID, p.MerchantID, string(p.Mode))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.NotFoundf("payment", p.ID)
	}
	return nil
}

// InsertOperation implements engine.Tx.
func (t *Tx) InsertOperation(ctx context.Context, op *payment.Operation) error {
	_, err := t.exec(ctx, `INSERT INTO operations (`+operationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, operationArgs(op)...)
	return err
}

// GetOperationForUpdate implements engine.Tx.
func (t *Tx) GetOperationForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payment.Operation, error) {
	row := t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+operationColumns+` FROM operations WHERE id = ? AND merchant_id = ? AND mode = ?`+t.D.ForUpdate), id, merchantID, string(mode))
	op, err := scanOperation(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("operation", id)
	}
	return op, err
}

// UpdateOperation implements engine.Tx: status, amount, currency, processor
// ref, failure and updated_at; NotFound across merchant or mode.
func (t *Tx) UpdateOperation(ctx context.Context, op *payment.Operation) error {
	res, err := t.exec(ctx, `UPDATE operations SET status = ?, amount = ?, currency = ?, processor_ref = ?, failure_code = ?, failure_message = ?, updated_at = ?
 WHERE id = ? AND merchant_id = ? AND mode = ?`,
		string(op.Status), op.Amount, op.Currency, op.ProcessorRef, op.FailureCode, op.FailureMessage, micros(op.UpdatedAt),
		op.ID, op.MerchantID, string(op.Mode))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.NotFoundf("operation", op.ID)
	}
	return nil
}

// InsertPostings implements engine.Tx: all lines of all postings in one statement.
func (t *Tx) InsertPostings(ctx context.Context, ps []ledger.Posting) error {
	q, args := postingValues(ps)
	_, err := t.exec(ctx, q, args...)
	return err
}

// postingValues builds one INSERT of every line of ps.
func postingValues(ps []ledger.Posting) (string, []any) {
	var b strings.Builder
	b.WriteString(`INSERT INTO ledger_lines (posting_id, seq, merchant_id, mode, payment_id, operation_id, kind, account, role, amount, currency, created_at) VALUES `)
	var args []any
	for _, p := range ps {
		for i, l := range p.Lines {
			if len(args) > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			role := l.Account[strings.LastIndexByte(l.Account, ':')+1:]
			args = append(args, p.ID, i, p.MerchantID, p.Mode, p.PaymentID, p.OperationID, p.Kind, l.Account, role, l.Amount, l.Currency, micros(p.CreatedAt))
		}
	}
	return b.String(), args
}

// GetIdempotency implements engine.Tx.
func (t *Tx) GetIdempotency(ctx context.Context, merchantID string, mode payment.Mode, key string) (*engine.IdempotencyRecord, error) {
	return getIdempotency(ctx, t.Q, t.D, t.D.ForUpdate, merchantID, mode, key)
}

func getIdempotency(ctx context.Context, q Querier, d *Dialect, lock, merchantID string, mode payment.Mode, key string) (*engine.IdempotencyRecord, error) {
	r := engine.IdempotencyRecord{MerchantID: merchantID, Mode: mode, Key: key}
	var created int64
	var completed sql.NullInt64
	err := q.QueryRowContext(ctx, d.Rebind(`SELECT fingerprint, state, resource_id, response_status, response_body, created_at, completed_at
 FROM idempotency_keys WHERE merchant_id = ? AND mode = ? AND key = ?`+lock), merchantID, string(mode), key).
		Scan(&r.Fingerprint, &r.State, &r.ResourceID, &r.ResponseStatus, &r.ResponseBody, &created, &completed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.CreatedAt, r.CompletedAt = fromMicros(created), timePtr(completed)
	return &r, nil
}

const insertIdempotency = `INSERT INTO idempotency_keys (merchant_id, mode, key, fingerprint, state, resource_id, response_status, response_body, created_at, completed_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func idempotencyArgs(r *engine.IdempotencyRecord) []any {
	return []any{r.MerchantID, string(r.Mode), r.Key, r.Fingerprint, string(r.State), r.ResourceID, r.ResponseStatus, r.ResponseBody, micros(r.CreatedAt), nullMicros(r.CompletedAt)}
}

// InsertIdempotency implements engine.Tx. ON CONFLICT DO NOTHING keeps a
// PostgreSQL transaction usable when the key exists (a failed INSERT would
// abort it); a concurrent inserter waits for the first to commit.
func (t *Tx) InsertIdempotency(ctx context.Context, r *engine.IdempotencyRecord) (bool, error) {
	res, err := t.Q.ExecContext(ctx, t.D.Rebind(insertIdempotency+` ON CONFLICT (merchant_id, mode, key) DO NOTHING`), idempotencyArgs(r)...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if n > 0 {
		t.Writes++
	}
	return n > 0, err
}

// CompleteIdempotency implements engine.Tx.
func (t *Tx) CompleteIdempotency(ctx context.Context, r *engine.IdempotencyRecord) error {
	res, err := t.exec(ctx, `UPDATE idempotency_keys SET state = ?, response_status = ?, response_body = ?, completed_at = ?
 WHERE merchant_id = ? AND mode = ? AND key = ?`,
		string(r.State), r.ResponseStatus, r.ResponseBody, nullMicros(r.CompletedAt), r.MerchantID, string(r.Mode), r.Key)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("complete idempotency key %q: %d rows", r.Key, n)
	}
	return nil
}

// ReleaseIdempotency implements engine.Tx.
func (t *Tx) ReleaseIdempotency(ctx context.Context, merchantID string, mode payment.Mode, key string) error {
	_, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE merchant_id = ? AND mode = ? AND key = ? AND state = ?`,
		merchantID, string(mode), key, string(engine.IdemInProgress))
	return err
}

// ReplaceIdempotencyAnswers implements engine.Tx.
func (t *Tx) ReplaceIdempotencyAnswers(ctx context.Context, merchantID string, mode payment.Mode, keys []string, status int, body []byte) error {
	for _, k := range keys {
		if _, err := t.exec(ctx, `UPDATE idempotency_keys SET response_status = ?, response_body = ? WHERE merchant_id = ? AND mode = ? AND key = ?`,
			status, body, merchantID, string(mode), k); err != nil {
			return err
		}
	}
	return nil
}

// InsertOutcome implements engine.Tx. PostgreSQL gets one statement of
// data-modifying CTEs (one round trip instead of three); SQLite, where
// statements cost no round trip, runs them one by one.
func (t *Tx) InsertOutcome(ctx context.Context, p *payment.Payment, op *payment.Operation, ps []ledger.Posting, events []*webhook.Event, rec *engine.IdempotencyRecord) error {
	return t.outcome(ctx, p, op, ps, events, rec, false)
}

// ClaimOutcome implements engine.Tx. The key goes first: SQLite skips an
// existing one (nothing else is written); PostgreSQL's single statement
// fails on it with a unique violation, which aborts the transaction the
// caller is told to give up anyway. A concurrent inserter of the same key
// waits for the first to finish either way.
func (t *Tx) ClaimOutcome(ctx context.Context, p *payment.Payment, op *payment.Operation, ps []ledger.Posting, events []*webhook.Event, rec *engine.IdempotencyRecord) (bool, error) {
	if rec == nil {
		return true, t.outcome(ctx, p, op, ps, events, nil, false)
	}
	if !t.D.Numbered {
		inserted, err := t.InsertIdempotency(ctx, rec)
		if err != nil || !inserted {
			return false, err
		}
		return true, t.outcome(ctx, p, op, ps, events, nil, false)
	}
	err := t.outcome(ctx, p, op, ps, events, rec, true)
	if err != nil && t.D.IsUniqueViolation(err) && strings.Contains(err.Error(), "idempotency_keys") {
		return false, nil
	}
	return err == nil, err
}

// outcome writes what InsertOutcome and ClaimOutcome describe; newKey
// inserts rec instead of completing it (PostgreSQL only).
func (t *Tx) outcome(ctx context.Context, p *payment.Payment, op *payment.Operation, ps []ledger.Posting, events []*webhook.Event, rec *engine.IdempotencyRecord, newKey bool) error {
	if !t.D.Numbered {
		for _, ev := range events {
			if err := t.InsertEvent(ctx, ev); err != nil {
				return err
			}
		}
		if p != nil {
			if err := t.InsertPayment(ctx, p); err != nil {
				return err
			}
		}
		if err := t.InsertOperation(ctx, op); err != nil {
			return err
		}
		if len(ps) > 0 {
			if err := t.InsertPostings(ctx, ps); err != nil {
				return err
			}
		}
		if rec != nil {
			return t.CompleteIdempotency(ctx, rec)
		}
		return nil
	}
	var b strings.Builder
	var args []any
	b.WriteString(`WITH `)
	if newKey {
		b.WriteString(`k AS (` + insertIdempotency + `), `)
		args = append(args, idempotencyArgs(rec)...)
	}
	if p != nil {
		b.WriteString(`p AS (` + insertPayment + `), `)
		args = append(args, paymentArgs(p)...)
	}
	args = append(args, operationArgs(op)...)
	b.WriteString(`o AS (INSERT INTO operations (` + operationColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))`)
	if len(ps) > 0 {
		lines, largs := postingValues(ps)
		b.WriteString(`, l AS (` + lines + `)`)
		args = append(args, largs...)
	}
	if len(events) > 0 {
		b.WriteString(`, e AS (INSERT INTO events (` + eventColumns + `) VALUES `)
		for i, ev := range events {
			if i > 0 {
				b.WriteString(`, `)
			}
			b.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			args = append(args, eventArgs(ev)...)
		}
		b.WriteString(`), eo AS (INSERT INTO event_outbox (event_id) VALUES `)
		for i, ev := range events {
			if i > 0 {
				b.WriteString(`, `)
			}
			b.WriteString(`(?)`)
			args = append(args, ev.ID)
		}
		b.WriteString(`)`)
	}
	if rec != nil && !newKey {
		b.WriteString(` UPDATE idempotency_keys SET state = ?, response_status = ?, response_body = ?, completed_at = ? WHERE merchant_id = ? AND mode = ? AND key = ?`)
		args = append(args, string(rec.State), rec.ResponseStatus, rec.ResponseBody, nullMicros(rec.CompletedAt), rec.MerchantID, string(rec.Mode), rec.Key)
	} else {
		b.WriteString(` SELECT 1`)
	}
	_, err := t.exec(ctx, b.String(), args...)
	return err
}
