package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/invoice"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

const invoiceColumns = `id, merchant_id, mode, number, customer_email, customer_name, currency, lines, total, memo, locale, due_at, expires_at,
 status, token_hash, token_key_id, sealed_token, session_id, payment_id, reminded_before, overdue_reminders, last_reminder_at, created_at, updated_at`

func scanInvoice(s scanner) (*invoice.Invoice, error) {
	var in invoice.Invoice
	var currency, lines string
	var due, expires, created, updated int64
	var before int
	var last sql.NullInt64
	err := s.Scan(&in.ID, &in.MerchantID, &in.Mode, &in.Number, &in.CustomerEmail, &in.CustomerName, &currency, &lines, &in.Total, &in.Memo,
		&in.Locale, &due, &expires, &in.Status, &in.TokenHash, &in.TokenKeyID, &in.SealedToken, &in.SessionID, &in.PaymentID, &before,
		&in.Overdue, &last, &created, &updated)
	if err != nil {
		return nil, err
	}
	if in.Currency, err = money.Lookup(currency); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(lines), &in.Lines); err != nil {
		return nil, err
	}
	in.DueAt, in.ExpiresAt, in.RemindedBefore, in.LastReminderAt = fromMicros(due), fromMicros(expires), before == 1, timePtr(last)
	in.CreatedAt, in.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &in, nil
}

// InsertInvoice implements engine.Tx.
func (t *Tx) InsertInvoice(ctx context.Context, in *invoice.Invoice) error {
	lines, _ := json.Marshal(in.Lines)
	_, err := t.exec(ctx, `INSERT INTO invoices (`+invoiceColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.ID, in.MerchantID, string(in.Mode), in.Number, in.CustomerEmail, in.CustomerName, in.Currency.Code, string(lines), in.Total, in.Memo,
		in.Locale, micros(in.DueAt), micros(in.ExpiresAt), string(in.Status), in.TokenHash, in.TokenKeyID, in.SealedToken, in.SessionID,
		in.PaymentID, boolInt(in.RemindedBefore), in.Overdue, nullMicros(in.LastReminderAt), micros(in.CreatedAt), micros(in.UpdatedAt))
	return err
}

// GetInvoiceForUpdate implements engine.Tx.
func (t *Tx) GetInvoiceForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*invoice.Invoice, error) {
	in, err := scanInvoice(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+invoiceColumns+` FROM invoices WHERE id = ? AND merchant_id = ? AND mode = ?`+t.D.ForUpdate), id, merchantID, string(mode)))
	return one(in, err, "invoice", id)
}

// UpdateInvoice implements engine.Tx; it also releases a claim.
func (t *Tx) UpdateInvoice(ctx context.Context, in *invoice.Invoice) error {
	_, err := t.exec(ctx, `UPDATE invoices SET status = ?, session_id = ?, payment_id = ?, reminded_before = ?, overdue_reminders = ?,
 last_reminder_at = ?, locked_until = 0, updated_at = ? WHERE id = ?`,
		string(in.Status), in.SessionID, in.PaymentID, boolInt(in.RemindedBefore), in.Overdue, nullMicros(in.LastReminderAt), micros(in.UpdatedAt), in.ID)
	return err
}

// ClaimOpenInvoices implements engine.Tx: open invoices with something to
// do by now, leased until lease: a link that expired, or a reminder due
// (the conditions of invoice.Invoice.ReminderDue). Invoices with nothing
// to do are left alone, so that they cannot crowd the limit and delay the
// ones that have, and an expiry before the first reminder is on time.
func (t *Tx) ClaimOpenInvoices(ctx context.Context, now, lease time.Time, limit int) ([]*invoice.Invoice, error) {
	at := micros(now)
	out, err := listTx(t, ctx, scanInvoice, `SELECT `+invoiceColumns+` FROM invoices WHERE status = 'open' AND locked_until <= ? AND (
 expires_at <= ?
 OR due_at <= ? AND (
  reminded_before = 0 AND due_at > ?
  OR overdue_reminders < ? AND due_at + CAST(? AS BIGINT) + overdue_reminders * CAST(? AS BIGINT) <= ?))
 ORDER BY due_at LIMIT ?`+t.D.SkipLocked,
		at, at, micros(now.Add(invoice.RemindBefore)), at,
		invoice.MaxOverdue, int64(invoice.FirstOverdue/time.Microsecond), int64(invoice.OverdueEvery/time.Microsecond), at, limit)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	args := []any{micros(lease)}
	for _, in := range out {
		args = append(args, in.ID)
	}
	_, err = t.exec(ctx, `UPDATE invoices SET locked_until = ? WHERE id IN (`+placeholders(len(out))+`)`, args...)
	return out, err
}

// GetInvoice implements engine.Reader.
func (r *Reader) GetInvoice(ctx context.Context, merchantID string, mode payment.Mode, id string) (*invoice.Invoice, error) {
	in, err := scanInvoice(r.row(ctx, `SELECT `+invoiceColumns+` FROM invoices WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	return one(in, err, "invoice", id)
}

// FindInvoiceByToken implements engine.Reader.
func (r *Reader) FindInvoiceByToken(ctx context.Context, tokenHash string) (*invoice.Invoice, error) {
	in, err := scanInvoice(r.row(ctx, `SELECT `+invoiceColumns+` FROM invoices WHERE token_hash = ?`, tokenHash))
	return one(in, err, "invoice", "")
}

// ListInvoices implements engine.Reader.
func (r *Reader) ListInvoices(ctx context.Context, merchantID string, mode payment.Mode, startingAfter string, limit int) ([]*invoice.Invoice, error) {
	q := `SELECT ` + invoiceColumns + ` FROM invoices WHERE merchant_id = ? AND mode = ?`
	args := []any{merchantID, string(mode)}
	if startingAfter != "" {
		q += ` AND id < ?`
		args = append(args, startingAfter)
	}
	return list(r, ctx, scanInvoice, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
}

// InsertEmail implements engine.Tx: the email goes out after this commits.
func (t *Tx) InsertEmail(ctx context.Context, merchantID string, mode payment.Mode, kind, objectID string, m engine.Mail, now time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO emails (id, merchant_id, mode, kind, object_id, recipient, subject, body, status, next_attempt_at, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`, m.ID, merchantID, string(mode), kind, objectID, m.To, m.Subject, m.Text, micros(now), micros(now))
	return err
}

// ClaimEmails implements engine.Tx.
func (t *Tx) ClaimEmails(ctx context.Context, now, lease time.Time, limit int) ([]*engine.Mail, []int, error) {
	type row struct {
		m        engine.Mail
		attempts int
	}
	rows, err := listTx(t, ctx, func(s scanner) (row, error) {
		var r row
		err := s.Scan(&r.m.ID, &r.m.To, &r.m.Subject, &r.m.Text, &r.attempts)
		return r, err
	}, `SELECT id, recipient, subject, body, attempts FROM emails WHERE status = 'pending' AND next_attempt_at <= ? AND locked_until <= ?
 ORDER BY next_attempt_at LIMIT ?`+t.D.SkipLocked, micros(now), micros(now), limit)
	if err != nil || len(rows) == 0 {
		return nil, nil, err
	}
	args := []any{micros(lease)}
	var ms []*engine.Mail
	var attempts []int
	for i := range rows {
		args = append(args, rows[i].m.ID)
		ms = append(ms, &rows[i].m)
		attempts = append(attempts, rows[i].attempts)
	}
	_, err = t.exec(ctx, `UPDATE emails SET locked_until = ? WHERE id IN (`+placeholders(len(rows))+`)`, args...)
	return ms, attempts, err
}

// FinishEmail implements engine.Tx: sent, or failed for now (retried at
// next) or for good (next zero).
func (t *Tx) FinishEmail(ctx context.Context, id string, sent bool, attempts int, next time.Time, lastErr string, now time.Time) error {
	status := "pending"
	switch {
	case sent:
		status = "sent"
	case next.IsZero():
		status = "failed"
	}
	_, err := t.exec(ctx, `UPDATE emails SET status = ?, attempts = ?, next_attempt_at = ?, locked_until = 0, last_error = ?, sent_at = ? WHERE id = ?`,
		status, attempts, micros(next), lastErr, map[bool]sql.NullInt64{true: {Int64: micros(now), Valid: true}, false: {}}[sent], id)
	return err
}

// ListEmails implements engine.Reader: the emails about an object, oldest first.
func (r *Reader) ListEmails(ctx context.Context, merchantID string, mode payment.Mode, objectID string) ([]engine.Email, error) {
	return list(r, ctx, func(s scanner) (engine.Email, error) {
		var e engine.Email
		var created int64
		var sent sql.NullInt64
		err := s.Scan(&e.ID, &e.Kind, &e.To, &e.Subject, &e.Status, &e.Attempts, &created, &sent)
		e.CreatedAt, e.SentAt = fromMicros(created), timePtr(sent)
		return e, err
	}, `SELECT id, kind, recipient, subject, status, attempts, created_at, sent_at FROM emails WHERE merchant_id = ? AND mode = ? AND object_id = ? ORDER BY id`,
		merchantID, string(mode), objectID)
}
