package sqlstore

import (
	"context"
	"strings"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

const checkoutColumns = `id, merchant_id, mode, token_hash, status, amount, currency, capture_method, customer_id, brands,
 save_card, description, reference, locale, success_url, cancel_url, notification_url, embed_origins, metadata, payment_id,
 expires_at, created_at, updated_at, door, config, allowed_configs`

func scanSession(s scanner) (*checkout.Session, error) {
	var cs checkout.Session
	var currency, brands, origins, md, allowed string
	var save int
	var expires, created, updated int64
	err := s.Scan(&cs.ID, &cs.MerchantID, &cs.Mode, &cs.TokenHash, &cs.Status, &cs.Amount, &currency, &cs.CaptureMethod,
		&cs.CustomerID, &brands, &save, &cs.Description, &cs.Reference, &cs.Locale, &cs.SuccessURL, &cs.CancelURL,
		&cs.NotificationURL, &origins, &md, &cs.PaymentID, &expires, &created, &updated, &cs.Door, &cs.Config, &allowed)
	if err != nil {
		return nil, err
	}
	if cs.Currency, err = money.Lookup(currency); err != nil {
		return nil, err
	}
	cs.Brands, cs.EmbedOrigins, cs.AllowedConfigs = splitList(brands), splitList(origins), splitList(allowed)
	cs.SaveCard, cs.Metadata = save == 1, decodeMap(md)
	cs.ExpiresAt, cs.CreatedAt, cs.UpdatedAt = fromMicros(expires), fromMicros(created), fromMicros(updated)
	return &cs, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

// InsertCheckoutSession implements engine.Tx.
func (t *Tx) InsertCheckoutSession(ctx context.Context, s *checkout.Session) error {
	_, err := t.exec(ctx, `INSERT INTO checkout_sessions (`+checkoutColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.MerchantID, string(s.Mode), s.TokenHash, string(s.Status), s.Amount, s.Currency.Code, string(s.CaptureMethod),
		s.CustomerID, strings.Join(s.Brands, " "), boolInt(s.SaveCard), s.Description, s.Reference, s.Locale, s.SuccessURL, s.CancelURL,
		s.NotificationURL, strings.Join(s.EmbedOrigins, " "), encodeMap(s.Metadata), s.PaymentID,
		micros(s.ExpiresAt), micros(s.CreatedAt), micros(s.UpdatedAt), s.Door, s.Config, strings.Join(s.AllowedConfigs, " "))
	return err
}

// GetCheckoutSessionForUpdate implements engine.Tx.
func (t *Tx) GetCheckoutSessionForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*checkout.Session, error) {
	s, err := scanSession(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+checkoutColumns+` FROM checkout_sessions WHERE id = ? AND merchant_id = ? AND mode = ?`+t.D.ForUpdate), id, merchantID, string(mode)))
	return one(s, err, "checkout session", id)
}

// UpdateCheckoutSession implements engine.Tx.
func (t *Tx) UpdateCheckoutSession(ctx context.Context, s *checkout.Session) error {
	_, err := t.exec(ctx, `UPDATE checkout_sessions SET status = ?, payment_id = ?, updated_at = ? WHERE id = ? AND merchant_id = ? AND mode = ?`,
		string(s.Status), s.PaymentID, micros(s.UpdatedAt), s.ID, s.MerchantID, string(s.Mode))
	return err
}

// GetCheckoutSession implements engine.Reader.
func (r *Reader) GetCheckoutSession(ctx context.Context, merchantID string, mode payment.Mode, id string) (*checkout.Session, error) {
	s, err := scanSession(r.row(ctx, `SELECT `+checkoutColumns+` FROM checkout_sessions WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	return one(s, err, "checkout session", id)
}

// FindCheckoutSession implements engine.Reader.
func (r *Reader) FindCheckoutSession(ctx context.Context, tokenHash string) (*checkout.Session, error) {
	s, err := scanSession(r.row(ctx, `SELECT `+checkoutColumns+` FROM checkout_sessions WHERE token_hash = ?`, tokenHash))
	return one(s, err, "checkout session", "")
}

// FindCheckoutSessionByPayment implements engine.Reader.
func (r *Reader) FindCheckoutSessionByPayment(ctx context.Context, merchantID string, mode payment.Mode, paymentID string) (*checkout.Session, error) {
	s, err := scanSession(r.row(ctx, `SELECT `+checkoutColumns+` FROM checkout_sessions WHERE payment_id = ? AND merchant_id = ? AND mode = ?`, paymentID, merchantID, string(mode)))
	return one(s, err, "checkout session", paymentID)
}

// ListCheckoutSessions implements engine.Reader.
func (r *Reader) ListCheckoutSessions(ctx context.Context, merchantID string, mode payment.Mode, startingAfter string, limit int) ([]*checkout.Session, error) {
	q := `SELECT ` + checkoutColumns + ` FROM checkout_sessions WHERE merchant_id = ? AND mode = ?`
	args := []any{merchantID, string(mode)}
	if startingAfter != "" {
		q += ` AND id < ?`
		args = append(args, startingAfter)
	}
	args = append(args, limit)
	return list(r, ctx, scanSession, q+` ORDER BY id DESC LIMIT ?`, args...)
}
