package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/webhook"
)

const eventColumns = `id, merchant_id, mode, type, object_id, sequence, payload, created_at, notify_url, notify_door`

func scanEvent(s scanner) (*webhook.Event, error) {
	var ev webhook.Event
	var payload string
	var created int64
	if err := s.Scan(&ev.ID, &ev.MerchantID, &ev.Mode, &ev.Type, &ev.ObjectID, &ev.Sequence, &payload, &created, &ev.NotifyURL, &ev.NotifyDoor); err != nil {
		return nil, err
	}
	ev.Payload, ev.CreatedAt = []byte(payload), fromMicros(created)
	return &ev, nil
}

// InsertEvent implements engine.Tx.
func (t *Tx) InsertEvent(ctx context.Context, ev *webhook.Event) error {
	if _, err := t.exec(ctx, `INSERT INTO events (`+eventColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, eventArgs(ev)...); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO event_outbox (event_id) VALUES (?)`, ev.ID)
	return err
}

func eventArgs(ev *webhook.Event) []any {
	return []any{ev.ID, ev.MerchantID, string(ev.Mode), ev.Type, ev.ObjectID, ev.Sequence, string(ev.Payload), micros(ev.CreatedAt), ev.NotifyURL, ev.NotifyDoor}
}

// ClaimEvents implements engine.Tx: events not yet fanned out, oldest first,
// in one query and without their payloads, which the fan-out does not
// read (it needs who, what type and where a notification goes). On
// PostgreSQL only the outbox rows are locked, so concurrent fan-outs skip
// each other's and the append-only events are not written to.
func (t *Tx) ClaimEvents(ctx context.Context, limit int) ([]*webhook.Event, error) {
	q := `SELECT e.id, e.merchant_id, e.mode, e.type, e.object_id, e.sequence, e.created_at, e.notify_url, e.notify_door
 FROM event_outbox o JOIN events e ON e.id = o.event_id ORDER BY o.event_id LIMIT ?`
	if t.D.SkipLocked != "" {
		q += ` FOR UPDATE OF o SKIP LOCKED`
	}
	return listTx(t, ctx, func(s scanner) (*webhook.Event, error) {
		var ev webhook.Event
		var created int64
		if err := s.Scan(&ev.ID, &ev.MerchantID, &ev.Mode, &ev.Type, &ev.ObjectID, &ev.Sequence, &created, &ev.NotifyURL, &ev.NotifyDoor); err != nil {
			return nil, err
		}
		ev.CreatedAt = fromMicros(created)
		return &ev, nil
	}, q, limit)
}

// MarkEventsFanned implements engine.Tx.
func (t *Tx) MarkEventsFanned(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	_, err := t.exec(ctx, `DELETE FROM event_outbox WHERE event_id IN (`+placeholders(len(ids))+`)`, args...)
	return err
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// InsertDeliveries implements engine.Tx; a delivery of the same event to
// the same endpoint already there is kept as it is.
func (t *Tx) InsertDeliveries(ctx context.Context, ds []*webhook.Delivery) error {
	for _, d := range ds {
		_, err := t.exec(ctx, `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, merchant_id, mode, status, attempts, next_attempt_at, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
			d.ID, d.EventID, d.EndpointID, d.MerchantID, string(d.Mode), d.Status, micros(d.NextAttemptAt), micros(d.CreatedAt), micros(d.UpdatedAt))
		if err != nil {
			return err
		}
	}
	return nil
}

const deliveryColumns = `d.id, d.event_id, d.endpoint_id, d.merchant_id, d.mode, d.status, d.attempts, d.next_attempt_at,
 d.last_status, d.last_error, d.created_at, d.updated_at`

func scanDelivery(s scanner, extra ...any) (*webhook.Delivery, error) {
	var d webhook.Delivery
	var next, created, updated int64
	dest := append([]any{&d.ID, &d.EventID, &d.EndpointID, &d.MerchantID, &d.Mode, &d.Status, &d.Attempts, &next,
		&d.LastStatus, &d.LastError, &created, &updated}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	d.NextAttemptAt, d.CreatedAt, d.UpdatedAt = fromMicros(next), fromMicros(created), fromMicros(updated)
	return &d, nil
}

// ClaimDeliveries implements engine.Tx: due pending deliveries, oldest
// first, leased until lease so no other worker sends them meanwhile, with
// what sending needs (URL, payload, sealed secret in SecretKeyID/Secret).
// Of one endpoint it takes no more than perEndpoint less what is already
// held for it: by every process, as the leases in the table say, or by the
// caller (inFlight), whichever is more (the caller may still hold one whose
// lease ran out). So a slow endpoint never fills a batch that others wait
// behind, and however many processes share the database, one endpoint has
// at most perEndpoint deliveries out at once: the query skips full
// endpoints, and rows beyond an endpoint's free slots are left unclaimed.
// Claims take turns (Dialect.ClaimLock) so two cannot both count the same
// free slots.
func (t *Tx) ClaimDeliveries(ctx context.Context, now, lease time.Time, limit, perEndpoint int, inFlight map[string]int) ([]*engine.ClaimedDelivery, error) {
	if t.D.ClaimLock != "" {
		if _, err := t.Q.ExecContext(ctx, t.D.ClaimLock); err != nil {
			return nil, err
		}
	}
	held, err := t.leasedByEndpoint(ctx, now)
	if err != nil {
		return nil, err
	}
	for ep, n := range inFlight {
		held[ep] = max(held[ep], n)
	}
	q := `SELECT d.id, d.endpoint_id FROM webhook_deliveries d WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND d.locked_until <= ?`
	args := []any{micros(now), micros(now)}
	var full []any
	for ep, n := range held {
		if n >= perEndpoint {
			full = append(full, ep)
		}
	}
	if len(full) > 0 {
		q += ` AND d.endpoint_id NOT IN (` + placeholders(len(full)) + `)`
		args = append(args, full...)
	}
	rows, err := t.Q.QueryContext(ctx, t.D.Rebind(q+` ORDER BY d.next_attempt_at LIMIT ?`+t.D.SkipLocked), append(args, limit)...)
	if err != nil {
		return nil, err
	}
	var ids []any
	taken := map[string]int{}
	for rows.Next() {
		var id, ep string
		if err := rows.Scan(&id, &ep); err != nil {
			rows.Close()
			return nil, err
		}
		if held[ep]+taken[ep] < perEndpoint {
			taken[ep]++
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, err
	}
	if _, err := t.exec(ctx, `UPDATE webhook_deliveries SET locked_until = ? WHERE id IN (`+placeholders(len(ids))+`)`, append([]any{micros(lease)}, ids...)...); err != nil {
		return nil, err
	}
	rows, err = t.Q.QueryContext(ctx, t.D.Rebind(`SELECT `+deliveryColumns+`, w.url, e.payload, w.secret_key_id, w.sealed_secret, w.enabled, w.door, e.type, e.object_id
 FROM webhook_deliveries d JOIN events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
 WHERE d.id IN (`+placeholders(len(ids))+`)`), ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*engine.ClaimedDelivery
	for rows.Next() {
		var c engine.ClaimedDelivery
		var payload string
		var enabled int
		d, err := scanDelivery(rows, &c.URL, &payload, &c.SecretKeyID, &c.SealedSecret, &enabled, &c.Door, &c.EventType, &c.ObjectID)
		if err != nil {
			return nil, err
		}
		d.LockedUntil = fromMicros(micros(lease))
		c.Delivery, c.Payload, c.EndpointEnabled = d, []byte(payload), enabled == 1
		out = append(out, &c)
	}
	return out, rows.Err()
}

// leasedByEndpoint counts, by endpoint, the pending deliveries some process
// holds a lease on now.
func (t *Tx) leasedByEndpoint(ctx context.Context, now time.Time) (map[string]int, error) {
	rows, err := t.Q.QueryContext(ctx, t.D.Rebind(`SELECT endpoint_id, COUNT(*) FROM webhook_deliveries
 WHERE status = 'pending' AND locked_until > ? GROUP BY endpoint_id`), micros(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	held := map[string]int{}
	for rows.Next() {
		var ep string
		var n int
		if err := rows.Scan(&ep, &n); err != nil {
			return nil, err
		}
		held[ep] = n
	}
	return held, rows.Err()
}

// FinishAttempt implements engine.Tx: logs the attempt as the delivery's
// next number and, while the delivery still holds the lease the attempt
// was sent under, records its new state and releases the lease. A worker
// whose lease ran out (another claimed the delivery since) only logs what
// it sent and gets engine.ErrLeaseLost: the holder decides the state.
func (t *Tx) FinishAttempt(ctx context.Context, d *webhook.Delivery, a *webhook.Attempt) error {
	var locked int64
	err := t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT locked_until FROM webhook_deliveries WHERE id = ?`+t.D.ForUpdate), d.ID).Scan(&locked)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.NotFoundf("webhook delivery", d.ID)
	}
	if err != nil {
		return err
	}
	// The delivery's row lock (PostgreSQL) or the single writer (SQLite)
	// makes the number unique.
	var last int
	if err := t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT COALESCE(MAX(number), 0) FROM webhook_attempts WHERE delivery_id = ?`), d.ID).Scan(&last); err != nil {
		return err
	}
	a.Number = last + 1
	if _, err := t.exec(ctx, `INSERT INTO webhook_attempts (delivery_id, number, at, status_code, error, duration_ms, response) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.DeliveryID, a.Number, micros(a.At), a.StatusCode, a.Error, a.Duration.Milliseconds(), a.Response); err != nil {
		return err
	}
	if locked != micros(d.LockedUntil) {
		return engine.ErrLeaseLost
	}
	_, err = t.exec(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, locked_until = 0,
 last_status = ?, last_error = ?, updated_at = ? WHERE id = ?`,
		d.Status, d.Attempts, micros(d.NextAttemptAt), d.LastStatus, d.LastError, micros(d.UpdatedAt), d.ID)
	return err
}

// RequeueDelivery implements engine.Tx: sends a delivery again now, with
// the same webhook-id and a fresh retry budget (its attempt log keeps
// counting). A send in flight under the old lease is then only logged.
func (t *Tx) RequeueDelivery(ctx context.Context, merchantID string, mode payment.Mode, id string, now time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, locked_until = 0, updated_at = ?
 WHERE id = ? AND merchant_id = ? AND mode = ?`, micros(now), micros(now), id, merchantID, string(mode))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

const endpointColumns = `id, merchant_id, mode, url, description, event_types, secret_key_id, sealed_secret, enabled, disabled_reason, created_at, updated_at, scope, door`

func scanEndpoint(s scanner) (*webhook.Endpoint, error) {
	var e webhook.Endpoint
	var types string
	var enabled int
	var created, updated int64
	if err := s.Scan(&e.ID, &e.MerchantID, &e.Mode, &e.URL, &e.Description, &types, &e.SecretKeyID, &e.SealedSecret,
		&enabled, &e.DisabledReason, &created, &updated, &e.Scope, &e.Door); err != nil {
		return nil, err
	}
	e.EventTypes, e.Enabled = splitList(types), enabled == 1
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &e, nil
}

// InsertWebhookEndpoint implements engine.Tx.
func (t *Tx) InsertWebhookEndpoint(ctx context.Context, e *webhook.Endpoint) error {
	if e.Scope == "" {
		e.Scope = webhook.ScopeAll
	}
	_, err := t.exec(ctx, `INSERT INTO webhook_endpoints (`+endpointColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.MerchantID, string(e.Mode), e.URL, e.Description, strings.Join(e.EventTypes, " "), e.SecretKeyID, e.SealedSecret,
		boolInt(e.Enabled), e.DisabledReason, micros(e.CreatedAt), micros(e.UpdatedAt), e.Scope, e.Door)
	return err
}

// GetWebhookEndpointForUpdate implements engine.Tx.
func (t *Tx) GetWebhookEndpointForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*webhook.Endpoint, error) {
	e, err := scanEndpoint(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = ? AND merchant_id = ? AND mode = ?`+t.D.ForUpdate), id, merchantID, string(mode)))
	return one(e, err, "webhook endpoint", id)
}

// UpdateWebhookEndpoint implements engine.Tx.
func (t *Tx) UpdateWebhookEndpoint(ctx context.Context, e *webhook.Endpoint) error {
	_, err := t.exec(ctx, `UPDATE webhook_endpoints SET url = ?, description = ?, event_types = ?, secret_key_id = ?, sealed_secret = ?,
 enabled = ?, disabled_reason = ?, updated_at = ? WHERE id = ? AND merchant_id = ? AND mode = ?`,
		e.URL, e.Description, strings.Join(e.EventTypes, " "), e.SecretKeyID, e.SealedSecret, boolInt(e.Enabled), e.DisabledReason,
		micros(e.UpdatedAt), e.ID, e.MerchantID, string(e.Mode))
	return err
}

// DeleteWebhookEndpoint implements engine.Tx; pending deliveries to it fail.
func (t *Tx) DeleteWebhookEndpoint(ctx context.Context, merchantID string, mode payment.Mode, id string, at time.Time) error {
	if _, err := t.exec(ctx, `UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint deleted', updated_at = ? WHERE endpoint_id = ? AND status = 'pending'`, micros(at), id); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM webhook_endpoints WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode))
	return err
}

// ListWebhookEndpoints implements engine.Reader.
func (r *Reader) ListWebhookEndpoints(ctx context.Context, merchantID string, mode payment.Mode) ([]*webhook.Endpoint, error) {
	return list(r, ctx, scanEndpoint, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE merchant_id = ? AND mode = ? ORDER BY id`, merchantID, string(mode))
}

// GetWebhookEndpoint implements engine.Reader.
func (r *Reader) GetWebhookEndpoint(ctx context.Context, merchantID string, mode payment.Mode, id string) (*webhook.Endpoint, error) {
	e, err := scanEndpoint(r.row(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	return one(e, err, "webhook endpoint", id)
}

// ListEndpointsOf implements engine.Tx: the endpoints a fan-out considers.
func (t *Tx) ListEndpointsOf(ctx context.Context, merchantID string, mode payment.Mode) ([]*webhook.Endpoint, error) {
	return listTx(t, ctx, scanEndpoint, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE merchant_id = ? AND mode = ? AND enabled = 1`, merchantID, string(mode))
}

// ListEvents implements engine.Reader.
func (r *Reader) ListEvents(ctx context.Context, f engine.EventFilter) ([]*webhook.Event, error) {
	q := `SELECT ` + eventColumns + ` FROM events WHERE merchant_id = ? AND mode = ?`
	args := []any{f.MerchantID, string(f.Mode)}
	if f.Type != "" {
		q += ` AND type = ?`
		args = append(args, f.Type)
	}
	if f.ObjectID != "" {
		q += ` AND object_id = ?`
		args = append(args, f.ObjectID)
	}
	if f.StartingAfter != "" {
		q += ` AND id < ?`
		args = append(args, f.StartingAfter)
	}
	args = append(args, f.Limit)
	return list(r, ctx, scanEvent, q+` ORDER BY id DESC LIMIT ?`, args...)
}

// GetEvent implements engine.Reader.
func (r *Reader) GetEvent(ctx context.Context, merchantID string, mode payment.Mode, id string) (*webhook.Event, error) {
	ev, err := scanEvent(r.row(ctx, `SELECT `+eventColumns+` FROM events WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	return one(ev, err, "event", id)
}

// ListDeliveries implements engine.Reader.
func (r *Reader) ListDeliveries(ctx context.Context, f engine.DeliveryFilter) ([]*webhook.Delivery, error) {
	q := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries d WHERE d.merchant_id = ? AND d.mode = ?`
	args := []any{f.MerchantID, string(f.Mode)}
	if f.EndpointID != "" {
		q += ` AND d.endpoint_id = ?`
		args = append(args, f.EndpointID)
	}
	if f.EventID != "" {
		q += ` AND d.event_id = ?`
		args = append(args, f.EventID)
	}
	if f.Status != "" {
		q += ` AND d.status = ?`
		args = append(args, f.Status)
	}
	if f.StartingAfter != "" {
		q += ` AND d.id < ?`
		args = append(args, f.StartingAfter)
	}
	args = append(args, f.Limit)
	return list(r, ctx, func(s scanner) (*webhook.Delivery, error) { return scanDelivery(s) }, q+` ORDER BY d.id DESC LIMIT ?`, args...)
}

// GetDelivery implements engine.Reader.
func (r *Reader) GetDelivery(ctx context.Context, merchantID string, mode payment.Mode, id string) (*webhook.Delivery, error) {
	d, err := scanDelivery(r.row(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries d WHERE d.id = ? AND d.merchant_id = ? AND d.mode = ?`, id, merchantID, string(mode)))
	return one(d, err, "webhook delivery", id)
}

// ListAttempts implements engine.Reader.
func (r *Reader) ListAttempts(ctx context.Context, deliveryID string) ([]*webhook.Attempt, error) {
	return list(r, ctx, func(s scanner) (*webhook.Attempt, error) {
		var a webhook.Attempt
		var at, ms int64
		if err := s.Scan(&a.DeliveryID, &a.Number, &at, &a.StatusCode, &a.Error, &ms, &a.Response); err != nil {
			return nil, err
		}
		a.At, a.Duration = fromMicros(at), time.Duration(ms)*time.Millisecond
		return &a, nil
	}, `SELECT delivery_id, number, at, status_code, error, duration_ms, response FROM webhook_attempts WHERE delivery_id = ? ORDER BY number`, deliveryID)
}

// NotificationSecret implements engine.Reader: the merchant's sealed
// notification secret in a mode; NotFound before its first use.
func (r *Reader) NotificationSecret(ctx context.Context, merchantID string, mode payment.Mode) (keyID string, sealed []byte, err error) {
	err = r.row(ctx, `SELECT key_id, sealed FROM notification_secrets WHERE merchant_id = ? AND mode = ?`, merchantID, string(mode)).Scan(&keyID, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fault.NotFoundf("notification secret", merchantID)
	}
	return keyID, sealed, err
}

// InsertNotificationSecret implements engine.Tx; a secret already there is kept.
func (t *Tx) InsertNotificationSecret(ctx context.Context, merchantID string, mode payment.Mode, keyID string, sealed []byte, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO notification_secrets (merchant_id, mode, key_id, sealed, created_at) VALUES (?, ?, ?, ?, ?)
 ON CONFLICT (merchant_id, mode) DO NOTHING`, merchantID, string(mode), keyID, sealed, micros(at))
	return err
}

// FindNotificationEndpoint implements engine.Reader.
func (r *Reader) FindNotificationEndpoint(ctx context.Context, merchantID string, mode payment.Mode, url, door string) (*webhook.Endpoint, error) {
	e, err := scanEndpoint(r.row(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE merchant_id = ? AND mode = ? AND scope = 'notification' AND url = ? AND door = ?`,
		merchantID, string(mode), url, door))
	return one(e, err, "webhook endpoint", url)
}
