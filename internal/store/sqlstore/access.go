package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

const apiKeyColumns = `id, merchant_id, mode, kind, name, scopes, hint, hash, created_at, revoked_at, created_by`

func scanAPIKey(s scanner) (*auth.APIKey, error) {
	var k auth.APIKey
	var created int64
	var revoked sql.NullInt64
	var scopes string
	if err := s.Scan(&k.ID, &k.MerchantID, &k.Mode, &k.Kind, &k.Name, &scopes, &k.Hint, &k.Hash, &created, &revoked, &k.CreatedBy); err != nil {
		return nil, err
	}
	k.Scopes, _, _ = auth.ParseScopes(scopes)
	k.CreatedAt, k.RevokedAt = fromMicros(created), timePtr(revoked)
	return &k, nil
}

// InsertAPIKey implements engine.Tx.
func (t *Tx) InsertAPIKey(ctx context.Context, k *auth.APIKey) error {
	_, err := t.exec(ctx, `INSERT INTO api_keys (`+apiKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.MerchantID, string(k.Mode), string(k.Kind), k.Name, k.Scopes.String(), k.Hint, k.Hash, micros(k.CreatedAt), nullMicros(k.RevokedAt), k.CreatedBy)
	return err
}

// GetAPIKey implements engine.Tx.
func (t *Tx) GetAPIKey(ctx context.Context, merchantID string, mode payment.Mode, id string) (*auth.APIKey, error) {
	return getAPIKey(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+apiKeyColumns+` FROM api_keys WHERE id = ? AND merchant_id = ? AND mode = ?`+t.D.ForUpdate), id, merchantID, string(mode)), id)
}

func getAPIKey(row *sql.Row, id string) (*auth.APIKey, error) {
	k, err := scanAPIKey(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("api key", id)
	}
	return k, err
}

// RevokeAPIKey implements engine.Tx.
func (t *Tx) RevokeAPIKey(ctx context.Context, merchantID, keyID string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE api_keys SET revoked_at = ? WHERE merchant_id = ? AND id = ? AND (revoked_at IS NULL OR revoked_at > ?)`,
		micros(at), merchantID, keyID, micros(at))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.NotFoundf("api key", keyID)
	}
	return nil
}

// FindAPIKey implements engine.Reader.
func (r *Reader) FindAPIKey(ctx context.Context, hash string) (*auth.APIKey, error) {
	return getAPIKey(r.row(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = ?`, hash), "")
}

// GetAPIKey implements engine.Reader.
func (r *Reader) GetAPIKey(ctx context.Context, merchantID string, mode payment.Mode, id string) (*auth.APIKey, error) {
	return getAPIKey(r.row(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)), id)
}

// ListAPIKeys implements engine.Reader.
func (r *Reader) ListAPIKeys(ctx context.Context, merchantID string) ([]*auth.APIKey, error) {
	return list(r, ctx, scanAPIKey, `SELECT `+apiKeyColumns+` FROM api_keys WHERE merchant_id = ? ORDER BY id`, merchantID)
}

// list runs a query and scans every row.
func list[T any](r *Reader, ctx context.Context, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	return scanAll(scan)(r.q().QueryContext(ctx, r.D.Rebind(q), args...))
}

// listTx is list inside a write transaction.
func listTx[T any](t *Tx, ctx context.Context, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	return scanAll(scan)(t.Q.QueryContext(ctx, t.D.Rebind(q), args...))
}

// scanAll scans every row of a query's result.
func scanAll[T any](scan func(scanner) (T, error)) func(*sql.Rows, error) ([]T, error) {
	return func(rows *sql.Rows, err error) ([]T, error) {
		if err != nil {
			return nil, err
		}
		return scanRows(rows, scan)
	}
}

func scanRows[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

const tokenColumns = `id, hash, key_id, merchant_id, mode, scopes, created_at, expires_at, revoked_at`

// InsertOAuthToken implements engine.Tx.
func (t *Tx) InsertOAuthToken(ctx context.Context, tok *auth.Token) error {
	_, err := t.exec(ctx, `INSERT INTO oauth_tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tok.ID, tok.Hash, tok.KeyID, tok.MerchantID, tok.Mode, tok.Scopes.String(), micros(tok.CreatedAt), micros(tok.ExpiresAt), nullMicros(tok.RevokedAt))
	return err
}

// RevokeOAuthToken implements engine.Tx.
func (t *Tx) RevokeOAuthToken(ctx context.Context, merchantID, hash string, at time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE oauth_tokens SET revoked_at = ? WHERE merchant_id = ? AND hash = ? AND revoked_at IS NULL AND expires_at > ?`,
		micros(at), merchantID, hash, micros(at))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// FindOAuthToken implements engine.Reader.
func (r *Reader) FindOAuthToken(ctx context.Context, hash string) (*auth.Token, error) {
	var tok auth.Token
	var scopes string
	var created, expires int64
	var revoked sql.NullInt64
	err := r.row(ctx, `SELECT `+tokenColumns+` FROM oauth_tokens WHERE hash = ?`, hash).Scan(&tok.ID, &tok.Hash, &tok.KeyID,
		&tok.MerchantID, &tok.Mode, &scopes, &created, &expires, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("token", "")
	}
	if err != nil {
		return nil, err
	}
	tok.Scopes, _, _ = auth.ParseScopes(scopes)
	tok.CreatedAt, tok.ExpiresAt, tok.RevokedAt = fromMicros(created), fromMicros(expires), timePtr(revoked)
	return &tok, nil
}

const userColumns = `id, merchant_id, email, name, role, grants, password_hash, totp_secret, totp_enabled, totp_last_step, disabled_at, created_at, updated_at`

func scanUser(s scanner) (*auth.User, error) {
	var u auth.User
	var grants string
	var totp int
	var lastStep int64
	var disabled sql.NullInt64
	var created, updated int64
	if err := s.Scan(&u.ID, &u.MerchantID, &u.Email, &u.Name, &u.Role, &grants, &u.PasswordHash, &u.TOTPSecret, &totp,
		&lastStep, &disabled, &created, &updated); err != nil {
		return nil, err
	}
	for _, g := range strings.Fields(grants) {
		u.Grants = append(u.Grants, auth.Permission(g))
	}
	u.TOTPEnabled, u.TOTPLastStep, u.DisabledAt = totp != 0, uint64(lastStep), timePtr(disabled)
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &u, nil
}

func getUser(row *sql.Row, id string) (*auth.User, error) {
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("user", id)
	}
	return u, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// InsertUser implements engine.Tx; a taken email is a Conflict.
func (t *Tx) InsertUser(ctx context.Context, u *auth.User) error {
	_, err := t.exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.MerchantID, u.Email, u.Name, string(u.Role), strings.Join(u.Grants.Strings(), " "), u.PasswordHash, u.TOTPSecret,
		boolInt(u.TOTPEnabled), int64(u.TOTPLastStep), nullMicros(u.DisabledAt), micros(u.CreatedAt), micros(u.UpdatedAt))
	if t.D.IsUniqueViolation(err) {
		return fault.InvalidParam("email", "email_taken", "a user with this email already exists")
	}
	return err
}

// GetUserForUpdate implements engine.Tx.
func (t *Tx) GetUserForUpdate(ctx context.Context, merchantID, id string) (*auth.User, error) {
	return getUser(t.Q.QueryRowContext(ctx, t.D.Rebind(`SELECT `+userColumns+` FROM users WHERE id = ? AND merchant_id = ?`+t.D.ForUpdate), id, merchantID), id)
}

// UpdateUser implements engine.Tx.
func (t *Tx) UpdateUser(ctx context.Context, u *auth.User) error {
	_, err := t.exec(ctx, `UPDATE users SET name = ?, role = ?, grants = ?, password_hash = ?, totp_secret = ?, totp_enabled = ?, totp_last_step = ?, disabled_at = ?, updated_at = ? WHERE id = ? AND merchant_id = ?`,
		u.Name, string(u.Role), strings.Join(u.Grants.Strings(), " "), u.PasswordHash, u.TOTPSecret, boolInt(u.TOTPEnabled),
		int64(u.TOTPLastStep), nullMicros(u.DisabledAt), micros(u.UpdatedAt), u.ID, u.MerchantID)
	return err
}

// FindUserByEmail implements engine.Reader.
func (r *Reader) FindUserByEmail(ctx context.Context, email string) (*auth.User, error) {
	return getUser(r.row(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email), "")
}

// GetUser implements engine.Reader.
func (r *Reader) GetUser(ctx context.Context, merchantID, id string) (*auth.User, error) {
	return getUser(r.row(ctx, `SELECT `+userColumns+` FROM users WHERE id = ? AND merchant_id = ?`, id, merchantID), id)
}

// ListUsers implements engine.Reader.
func (r *Reader) ListUsers(ctx context.Context, merchantID string) ([]*auth.User, error) {
	return list(r, ctx, scanUser, `SELECT `+userColumns+` FROM users WHERE merchant_id = ? ORDER BY id`, merchantID)
}

const sessionColumns = `id, hash, user_id, merchant_id, ip, created_at, expires_at, revoked_at`

// InsertSession implements engine.Tx.
func (t *Tx) InsertSession(ctx context.Context, s *auth.Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.Hash, s.UserID, s.MerchantID, s.IP, micros(s.CreatedAt), micros(s.ExpiresAt), nullMicros(s.RevokedAt))
	return err
}

// RevokeSession implements engine.Tx.
func (t *Tx) RevokeSession(ctx context.Context, hash string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL`, micros(at), hash)
	return err
}

// RevokeUserSessions implements engine.Tx.
func (t *Tx) RevokeUserSessions(ctx context.Context, merchantID, userID, except string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE merchant_id = ? AND user_id = ? AND id <> ? AND revoked_at IS NULL`,
		micros(at), merchantID, userID, except)
	return err
}

// FindSession implements engine.Reader.
func (r *Reader) FindSession(ctx context.Context, hash string) (*auth.Session, error) {
	var s auth.Session
	var created, expires int64
	var revoked sql.NullInt64
	err := r.row(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE hash = ?`, hash).Scan(&s.ID, &s.Hash, &s.UserID,
		&s.MerchantID, &s.IP, &created, &expires, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFoundf("session", "")
	}
	if err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt, s.RevokedAt = fromMicros(created), fromMicros(expires), timePtr(revoked)
	return &s, nil
}

const auditColumns = `id, merchant_id, mode, action, actor_type, actor_id, target_type, target_id, ip, request_id, details, created_at`

// InsertAuditEvent implements engine.Tx.
func (t *Tx) InsertAuditEvent(ctx context.Context, e *audit.Event) error {
	_, err := t.exec(ctx, `INSERT INTO audit_events (`+auditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.MerchantID, e.Mode, string(e.Action), e.ActorType, e.ActorID, e.TargetType, e.TargetID, e.IP, e.RequestID,
		encodeMap(e.Details), micros(e.CreatedAt))
	return err
}

func scanAuditEvent(s scanner) (*audit.Event, error) {
	var e audit.Event
	var details string
	var created int64
	if err := s.Scan(&e.ID, &e.MerchantID, &e.Mode, &e.Action, &e.ActorType, &e.ActorID, &e.TargetType, &e.TargetID,
		&e.IP, &e.RequestID, &details, &created); err != nil {
		return nil, err
	}
	e.Details, e.CreatedAt = decodeMap(details), fromMicros(created)
	return &e, nil
}

// ListAuditEvents implements engine.Reader.
func (r *Reader) ListAuditEvents(ctx context.Context, f engine.AuditFilter) ([]*audit.Event, error) {
	where := []string{"merchant_id = ?"}
	args := []any{f.MerchantID}
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.ActorID != "" {
		add("actor_id = ?", f.ActorID)
	}
	if f.TargetID != "" {
		add("target_id = ?", f.TargetID)
	}
	if !f.CreatedGTE.IsZero() {
		add("created_at >= ?", micros(f.CreatedGTE))
	}
	if !f.CreatedLT.IsZero() {
		add("created_at < ?", micros(f.CreatedLT))
	}
	if f.StartingAfter != "" {
		add("id < ?", f.StartingAfter)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 10
	}
	args = append(args, limit)
	return list(r, ctx, scanAuditEvent, `SELECT `+auditColumns+` FROM audit_events WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?`, args...)
}
