package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/paygate/paygate/internal/customer"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/recurring"
	"github.com/paygate/paygate/internal/vault"
)

// KEKChecks implements engine.Reader.
func (r *Reader) KEKChecks(ctx context.Context) (map[int]string, error) {
	rows, err := r.q().QueryContext(ctx, `SELECT version, check_value FROM vault_kek_checks`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var v int
		var c string
		if err := rows.Scan(&v, &c); err != nil {
			return nil, err
		}
		out[v] = c
	}
	return out, rows.Err()
}

// InsertKEKCheck implements engine.Tx.
func (t *Tx) InsertKEKCheck(ctx context.Context, version int, check string, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO vault_kek_checks (version, check_value, created_at) VALUES (?, ?, ?)`, version, check, micros(at))
	return err
}

func scanDataKey(s scanner) (*vault.DataKey, error) {
	var k vault.DataKey
	var active int
	var created int64
	if err := s.Scan(&k.ID, &k.Purpose, &k.KEKVersion, &k.Wrapped, &active, &created); err != nil {
		return nil, err
	}
	k.Active, k.CreatedAt = active == 1, fromMicros(created)
	return &k, nil
}

// ListDataKeys implements engine.Reader.
func (r *Reader) ListDataKeys(ctx context.Context) ([]*vault.DataKey, error) {
	return list(r, ctx, scanDataKey, `SELECT id, purpose, kek_version, wrapped, active, created_at FROM vault_keys ORDER BY id`)
}

// InsertDataKey implements engine.Tx.
func (t *Tx) InsertDataKey(ctx context.Context, k *vault.DataKey) error {
	if k.Active {
		if _, err := t.exec(ctx, `UPDATE vault_keys SET active = 0 WHERE purpose = ?`, string(k.Purpose)); err != nil {
			return err
		}
	}
	_, err := t.exec(ctx, `INSERT INTO vault_keys (id, purpose, kek_version, wrapped, active, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		k.ID, string(k.Purpose), k.KEKVersion, k.Wrapped, boolInt(k.Active), micros(k.CreatedAt))
	return err
}

// RewrapDataKey implements engine.Tx.
func (t *Tx) RewrapDataKey(ctx context.Context, id string, fromVersion, toVersion int, wrapped []byte) (bool, error) {
	res, err := t.exec(ctx, `UPDATE vault_keys SET kek_version = ?, wrapped = ? WHERE id = ? AND kek_version = ?`, toVersion, wrapped, id, fromVersion)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

const customerColumns = `id, merchant_id, mode, reference, email, name, metadata, created_at`

func scanCustomer(s scanner) (*customer.Customer, error) {
	var c customer.Customer
	var md string
	var created int64
	if err := s.Scan(&c.ID, &c.MerchantID, &c.Mode, &c.Reference, &c.Email, &c.Name, &md, &created); err != nil {
		return nil, err
	}
	c.Metadata, c.CreatedAt = decodeMap(md), fromMicros(created)
	return &c, nil
}

func one[T any](v T, err error, resource, id string) (T, error) {
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, fault.NotFoundf(resource, id)
	}
	return v, err
}

// InsertCustomer implements engine.Tx.
func (t *Tx) InsertCustomer(ctx context.Context, c *customer.Customer) error {
	_, err := t.exec(ctx, `INSERT INTO customers (`+customerColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.MerchantID, string(c.Mode), c.Reference, c.Email, c.Name, encodeMap(c.Metadata), micros(c.CreatedAt))
	if t.D.IsUniqueViolation(err) {
		return referenceTaken(c.Reference)
	}
	return err
}

// UpdateCustomer implements engine.Tx: only the fields set change, in one
// statement, so two updates of different fields both hold.
func (t *Tx) UpdateCustomer(ctx context.Context, merchantID string, mode payment.Mode, id string, p engine.CustomerPatch) (*customer.Customer, error) {
	str := func(v *string) sql.NullString {
		if v == nil {
			return sql.NullString{}
		}
		return sql.NullString{String: *v, Valid: true}
	}
	md := sql.NullString{}
	if p.Metadata != nil {
		md = sql.NullString{String: encodeMap(p.Metadata), Valid: true}
	}
	res, err := t.exec(ctx, `UPDATE customers SET reference = COALESCE(?, reference), email = COALESCE(?, email), name = COALESCE(?, name), metadata = COALESCE(?, metadata)
 WHERE id = ? AND merchant_id = ? AND mode = ? AND deleted_at IS NULL`, str(p.Reference), str(p.Email), str(p.Name), md, id, merchantID, string(mode))
	if t.D.IsUniqueViolation(err) {
		return nil, referenceTaken(*p.Reference)
	}
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fault.NotFoundf("customer", id)
	}
	c, err := scanCustomer(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+customerColumns+` FROM customers WHERE id = ?`), id))
	return one(c, err, "customer", id)
}

func referenceTaken(ref string) error {
	return &fault.Error{Kind: fault.Conflict, Code: "customer_reference_taken", Param: "reference",
		Message: fmt.Sprintf("a customer with reference %q already exists", ref)}
}

// LockLiveCustomer implements engine.Tx.
func (t *Tx) LockLiveCustomer(ctx context.Context, merchantID string, mode payment.Mode, customerID string) (bool, error) {
	var one int
	err := t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT 1 FROM customers WHERE id = ? AND merchant_id = ? AND mode = ? AND deleted_at IS NULL`+t.D.ForUpdate),
		customerID, merchantID, string(mode)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// EraseCustomer implements engine.Tx. The customer's row is changed first:
// on PostgreSQL its lock makes a concurrent save of a card to it (which
// locks the row, LockLiveCustomer) either finish before the erasure, which
// then erases that card too, or find the customer gone. Payments that
// named the customer by its reference are left naming its id.
func (t *Tx) EraseCustomer(ctx context.Context, merchantID string, mode payment.Mode, customerID string, at time.Time) error {
	var ref string
	err := t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT reference FROM customers WHERE id = ? AND merchant_id = ? AND mode = ? AND deleted_at IS NULL`+t.D.ForUpdate),
		customerID, merchantID, string(mode)).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.NotFoundf("customer", customerID)
	}
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE customers SET reference = '', email = '', name = '', metadata = '', deleted_at = ? WHERE id = ?`, micros(at), customerID); err != nil {
		return err
	}
	if ref != "" {
		if _, err := t.exec(ctx, `UPDATE payments SET customer = ? WHERE merchant_id = ? AND mode = ? AND customer = ?`, customerID, merchantID, string(mode), ref); err != nil {
			return err
		}
	}
	if _, err := t.exec(ctx, `UPDATE payment_methods SET status = ?, sealed = NULL, card_holder = '', card_fingerprint = '', updated_at = ? WHERE merchant_id = ? AND mode = ? AND customer_id = ?`,
		string(vault.MethodDeleted), micros(at), merchantID, string(mode), customerID); err != nil {
		return err
	}
	_, err = t.exec(ctx, `UPDATE mandates SET status = ?, updated_at = ? WHERE merchant_id = ? AND mode = ? AND customer_id = ? AND status <> ?`,
		string(recurring.MandateRevoked), micros(at), merchantID, string(mode), customerID, string(recurring.MandateRevoked))
	return err
}

// CustomerAnswerKeys implements engine.Reader. The answers are found by
// their opening bytes (a customer object renders its id, then its object
// type), through the keys' creation-time index.
func (r *Reader) CustomerAnswerKeys(ctx context.Context, merchantID string, mode payment.Mode, customerID string, since time.Time) ([]string, error) {
	contains := `instr(response_body, ?) > 0`
	if r.D.Numbered {
		contains = `position(?::bytea in response_body) > 0`
	}
	pattern := []byte(`{"id":"` + customerID + `","object":"customer"`)
	return list(r, ctx, func(s scanner) (string, error) {
		var k string
		return k, s.Scan(&k)
	}, `SELECT key FROM idempotency_keys WHERE created_at >= ? AND merchant_id = ? AND mode = ? AND `+contains, micros(since), merchantID, string(mode), pattern)
}

// CustomerSubscriptions implements engine.Tx.
func (t *Tx) CustomerSubscriptions(ctx context.Context, merchantID string, mode payment.Mode, customerID string) ([]*recurring.Schedule, error) {
	return listTx(t, ctx, scanSubscription, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE merchant_id = ? AND mode = ? AND customer_id = ?`,
		merchantID, string(mode), customerID)
}

// GetCustomer implements engine.Reader.
func (r *Reader) GetCustomer(ctx context.Context, merchantID string, mode payment.Mode, id string) (*customer.Customer, error) {
	c, err := scanCustomer(r.row(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = ? AND merchant_id = ? AND mode = ? AND deleted_at IS NULL`, id, merchantID, string(mode)))
	return one(c, err, "customer", id)
}

// FindCustomerByReference implements engine.Reader.
func (r *Reader) FindCustomerByReference(ctx context.Context, merchantID string, mode payment.Mode, ref string) (*customer.Customer, error) {
	c, err := scanCustomer(r.row(ctx, `SELECT `+customerColumns+` FROM customers WHERE merchant_id = ? AND mode = ? AND reference = ? AND reference <> '' AND deleted_at IS NULL`, merchantID, string(mode), ref))
	return one(c, err, "customer", ref)
}

// ListCustomers implements engine.Reader.
func (r *Reader) ListCustomers(ctx context.Context, merchantID string, mode payment.Mode, startingAfter string, limit int) ([]*customer.Customer, error) {
	q := `SELECT ` + customerColumns + ` FROM customers WHERE merchant_id = ? AND mode = ? AND deleted_at IS NULL`
	args := []any{merchantID, string(mode)}
	if startingAfter != "" {
		q += ` AND id < ?`
		args = append(args, startingAfter)
	}
	args = append(args, limit)
	return list(r, ctx, scanCustomer, q+` ORDER BY id DESC LIMIT ?`, args...)
}

const methodColumns = `id, merchant_id, mode, usage, status, customer_id, data_key_id, sealed, card_brand, card_first6,
 card_last4, card_exp_month, card_exp_year, card_holder, card_fingerprint, key_hash, expires_at, used_at, created_at, updated_at`

func scanMethod(s scanner) (*vault.PaymentMethod, error) {
	var m vault.PaymentMethod
	var expires, used sql.NullInt64
	var created, updated int64
	err := s.Scan(&m.ID, &m.MerchantID, &m.Mode, &m.Usage, &m.Status, &m.CustomerID, &m.DataKeyID, &m.Sealed,
		&m.Card.Brand, &m.Card.First6, &m.Card.Last4, &m.Card.ExpMonth, &m.Card.ExpYear, &m.Card.Holder, &m.Card.Fingerprint,
		&m.KeyHash, &expires, &used, &created, &updated)
	if err != nil {
		return nil, err
	}
	m.ExpiresAt, m.UsedAt = timePtr(expires), timePtr(used)
	m.CreatedAt, m.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &m, nil
}

// InsertPaymentMethod implements engine.Tx.
func (t *Tx) InsertPaymentMethod(ctx context.Context, m *vault.PaymentMethod) error {
	_, err := t.exec(ctx, `INSERT INTO payment_methods (`+methodColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.MerchantID, string(m.Mode), string(m.Usage), string(m.Status), m.CustomerID, m.DataKeyID, m.Sealed,
		m.Card.Brand, m.Card.First6, m.Card.Last4, m.Card.ExpMonth, m.Card.ExpYear, m.Card.Holder, m.Card.Fingerprint,
		m.KeyHash, nullMicros(m.ExpiresAt), nullMicros(m.UsedAt), micros(m.CreatedAt), micros(m.UpdatedAt))
	return err
}

// GetPaymentMethodForUpdate implements engine.Tx.
func (t *Tx) GetPaymentMethodForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*vault.PaymentMethod, error) {
	m, err := scanMethod(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+methodColumns+` FROM payment_methods WHERE id = ? AND merchant_id = ? AND mode = ?`+t.D.ForUpdate), id, merchantID, string(mode)))
	return one(m, err, "payment method", id)
}

// UpdatePaymentMethod implements engine.Tx.
func (t *Tx) UpdatePaymentMethod(ctx context.Context, m *vault.PaymentMethod) error {
	_, err := t.exec(ctx, `UPDATE payment_methods SET status = ?, customer_id = ?, sealed = ?, used_at = ?, updated_at = ? WHERE id = ? AND merchant_id = ? AND mode = ?`,
		string(m.Status), m.CustomerID, m.Sealed, nullMicros(m.UsedAt), micros(m.UpdatedAt), m.ID, m.MerchantID, string(m.Mode))
	return err
}

// FindCustomerCard implements engine.Tx.
func (t *Tx) FindCustomerCard(ctx context.Context, merchantID string, mode payment.Mode, customerID, fingerprint string) (*vault.PaymentMethod, error) {
	m, err := scanMethod(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+methodColumns+` FROM payment_methods
 WHERE merchant_id = ? AND mode = ? AND customer_id = ? AND card_fingerprint = ? AND status = 'active' ORDER BY id LIMIT 1`),
		merchantID, string(mode), customerID, fingerprint))
	return one(m, err, "payment method", fingerprint)
}

// GetPaymentMethod implements engine.Reader.
func (r *Reader) GetPaymentMethod(ctx context.Context, merchantID string, mode payment.Mode, id string) (*vault.PaymentMethod, error) {
	m, err := scanMethod(r.row(ctx, `SELECT `+methodColumns+` FROM payment_methods WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	return one(m, err, "payment method", id)
}

// ListCustomerPaymentMethods implements engine.Reader.
func (r *Reader) ListCustomerPaymentMethods(ctx context.Context, merchantID string, mode payment.Mode, customerID string) ([]*vault.PaymentMethod, error) {
	return list(r, ctx, scanMethod, `SELECT `+methodColumns+` FROM payment_methods
 WHERE merchant_id = ? AND mode = ? AND customer_id = ? AND status = 'active' AND usage = 'reusable' ORDER BY id`, merchantID, string(mode), customerID)
}

// CountPaymentMethodsByDataKey implements engine.Reader.
func (r *Reader) CountPaymentMethodsByDataKey(ctx context.Context) (map[string]int, error) {
	rows, err := r.q().QueryContext(ctx, `SELECT data_key_id, COUNT(*) FROM payment_methods WHERE sealed IS NOT NULL GROUP BY data_key_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

const encKeyColumns = `id, merchant_id, mode, public_pem, data_key_id, sealed_private, created_at, expires_at`

func scanEncKey(s scanner) (*vault.EncryptionKey, error) {
	var k vault.EncryptionKey
	var created int64
	var expires sql.NullInt64
	if err := s.Scan(&k.ID, &k.MerchantID, &k.Mode, &k.PublicPEM, &k.DataKeyID, &k.SealedPrivate, &created, &expires); err != nil {
		return nil, err
	}
	k.CreatedAt, k.ExpiresAt = fromMicros(created), timePtr(expires)
	return &k, nil
}

// InsertEncryptionKey implements engine.Tx.
func (t *Tx) InsertEncryptionKey(ctx context.Context, k *vault.EncryptionKey) error {
	_, err := t.exec(ctx, `INSERT INTO encryption_keys (`+encKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.MerchantID, string(k.Mode), k.PublicPEM, k.DataKeyID, k.SealedPrivate, micros(k.CreatedAt), nullMicros(k.ExpiresAt))
	return err
}

// ExpireEncryptionKeys implements engine.Tx.
func (t *Tx) ExpireEncryptionKeys(ctx context.Context, merchantID string, mode payment.Mode, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE encryption_keys SET expires_at = ? WHERE merchant_id = ? AND mode = ? AND (expires_at IS NULL OR expires_at > ?)`,
		micros(at), merchantID, string(mode), micros(at))
	return err
}

// ListEncryptionKeys implements engine.Reader.
func (r *Reader) ListEncryptionKeys(ctx context.Context, merchantID string, mode payment.Mode) ([]*vault.EncryptionKey, error) {
	return list(r, ctx, scanEncKey, `SELECT `+encKeyColumns+` FROM encryption_keys WHERE merchant_id = ? AND mode = ? ORDER BY id DESC`, merchantID, string(mode))
}
