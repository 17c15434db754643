package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Migration is one numbered schema change. SQL may use {{BLOB}} for the
// dialect's bytes type; statements are separated by ";\n".
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations is the ordered schema history shared by both databases.
var Migrations = []Migration{{Version: 1, Name: "init", SQL: `
CREATE TABLE merchants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  kind TEXT NOT NULL,
  hint TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id);
CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  status TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  capture_method TEXT NOT NULL,
  amount_authorized BIGINT NOT NULL DEFAULT 0,
  amount_captured BIGINT NOT NULL DEFAULT 0,
  amount_refunded BIGINT NOT NULL DEFAULT 0,
  amount_refund_pending BIGINT NOT NULL DEFAULT 0,
  in_flight TEXT NOT NULL DEFAULT '',
  card_brand TEXT NOT NULL DEFAULT '',
  card_first6 TEXT NOT NULL DEFAULT '',
  card_last4 TEXT NOT NULL DEFAULT '',
  card_exp_month INTEGER NOT NULL DEFAULT 0,
  card_exp_year INTEGER NOT NULL DEFAULT 0,
  card_holder TEXT NOT NULL DEFAULT '',
  card_fingerprint TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  reference TEXT NOT NULL DEFAULT '',
  customer TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT '',
  connector TEXT NOT NULL DEFAULT '',
  processor_ref TEXT NOT NULL DEFAULT '',
  failure_code TEXT NOT NULL DEFAULT '',
  failure_message TEXT NOT NULL DEFAULT '',
  next_action TEXT NOT NULL DEFAULT '',
  idempotency_key TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX payments_list ON payments (merchant_id, mode, id);
CREATE INDEX payments_reference ON payments (merchant_id, mode, reference);
CREATE INDEX payments_unresolved ON payments (status, updated_at) WHERE status IN ('processing', 'pending', 'requires_action');
CREATE TABLE operations (
  id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  processor_ref TEXT NOT NULL DEFAULT '',
  failure_code TEXT NOT NULL DEFAULT '',
  failure_message TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT '',
  idempotency_key TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX operations_payment ON operations (payment_id, id);
CREATE TABLE ledger_lines (
  posting_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  payment_id TEXT NOT NULL,
  operation_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  account TEXT NOT NULL,
  role TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (posting_id, seq)
);
CREATE INDEX ledger_lines_balance ON ledger_lines (merchant_id, mode, role, currency);
CREATE TABLE idempotency_keys (
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL,
  resource_id TEXT NOT NULL DEFAULT '',
  response_status INTEGER NOT NULL DEFAULT 0,
  response_body {{BLOB}},
  created_at BIGINT NOT NULL,
  completed_at BIGINT,
  PRIMARY KEY (merchant_id, mode, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`}}

// Migrate applies every migration not yet recorded in schema_migrations,
// each in its own transaction, in order. Re-running it changes nothing.
func Migrate(ctx context.Context, db *sql.DB, d *Dialect) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range Migrations {
		if err := apply(ctx, db, d, m); err != nil {
			return fmt.Errorf("migrate %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

func apply(ctx context.Context, db *sql.DB, d *Dialect, m Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if d.Name == "postgres" {
		// Two processes starting at once must not both apply a migration.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE schema_migrations IN EXCLUSIVE MODE`); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, d.Rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.Version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	for _, stmt := range strings.Split(strings.ReplaceAll(m.SQL, "{{BLOB}}", d.Blob), ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w in: %s", err, strings.TrimSpace(stmt))
		}
	}
	if _, err := tx.ExecContext(ctx, d.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), m.Version, m.Name, time.Now().UnixMicro()); err != nil {
		return err
	}
	return tx.Commit()
}
