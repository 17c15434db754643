-- paygate schema, version 1. Shared by SQLite and PostgreSQL; {{BLOB}} is the
-- dialect's bytes type. Statements end with a semicolon and a newline.
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
CREATE INDEX operations_pending ON operations (updated_at) WHERE status = 'pending';
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
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
