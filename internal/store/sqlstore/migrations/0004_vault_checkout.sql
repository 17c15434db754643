-- Card vault (envelope-encrypted card numbers, wrapped data keys, key check
-- values), customers, client-side encryption key pairs, checkout sessions,
-- and what a payment records of its card source and 3-D Secure.
CREATE TABLE vault_kek_checks (
  version INTEGER PRIMARY KEY,
  check_value TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE vault_keys (
  id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL,
  kek_version INTEGER NOT NULL,
  wrapped {{BLOB}} NOT NULL,
  active INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  reference TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX customers_list ON customers (merchant_id, mode, id);
CREATE UNIQUE INDEX customers_reference ON customers (merchant_id, mode, reference) WHERE reference <> '';
CREATE TABLE payment_methods (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  usage TEXT NOT NULL,
  status TEXT NOT NULL,
  customer_id TEXT NOT NULL DEFAULT '',
  data_key_id TEXT NOT NULL,
  sealed {{BLOB}},
  card_brand TEXT NOT NULL,
  card_first6 TEXT NOT NULL,
  card_last4 TEXT NOT NULL,
  card_exp_month INTEGER NOT NULL,
  card_exp_year INTEGER NOT NULL,
  card_holder TEXT NOT NULL DEFAULT '',
  card_fingerprint TEXT NOT NULL DEFAULT '',
  key_hash TEXT NOT NULL DEFAULT '',
  expires_at BIGINT,
  used_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX payment_methods_customer ON payment_methods (merchant_id, mode, customer_id, id);
CREATE INDEX payment_methods_data_key ON payment_methods (data_key_id);
CREATE TABLE encryption_keys (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  public_pem TEXT NOT NULL,
  data_key_id TEXT NOT NULL,
  sealed_private {{BLOB}} NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT
);
CREATE INDEX encryption_keys_merchant ON encryption_keys (merchant_id, mode, id);
CREATE TABLE checkout_sessions (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  capture_method TEXT NOT NULL,
  customer_id TEXT NOT NULL DEFAULT '',
  brands TEXT NOT NULL DEFAULT '',
  save_card INTEGER NOT NULL DEFAULT 0,
  description TEXT NOT NULL DEFAULT '',
  reference TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL DEFAULT 'en',
  success_url TEXT NOT NULL DEFAULT '',
  cancel_url TEXT NOT NULL DEFAULT '',
  notification_url TEXT NOT NULL DEFAULT '',
  embed_origins TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT '',
  payment_id TEXT NOT NULL DEFAULT '',
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX checkout_sessions_list ON checkout_sessions (merchant_id, mode, id);
CREATE INDEX checkout_sessions_payment ON checkout_sessions (payment_id);
ALTER TABLE payments ADD COLUMN payment_method TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN initiator TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN three_ds TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN return_url TEXT NOT NULL DEFAULT '';
