-- Payment-method configurations (Ottu pg_codes): a merchant's processor
-- accounts, with credentials sealed by the vault; payments record the
-- configuration they went through; a per-merchant version lets every
-- process see at once that its cached listings are stale.
CREATE TABLE payment_method_configs (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  code TEXT NOT NULL,
  name_en TEXT NOT NULL,
  name_ar TEXT NOT NULL DEFAULT '',
  logo TEXT NOT NULL DEFAULT '',
  connector TEXT NOT NULL,
  credentials_key_id TEXT NOT NULL DEFAULT '',
  sealed_credentials {{BLOB}},
  accepted_currencies TEXT NOT NULL DEFAULT '',
  default_currency TEXT NOT NULL DEFAULT '',
  operation TEXT NOT NULL,
  follow_ups TEXT NOT NULL DEFAULT '',
  tokenizable INTEGER NOT NULL DEFAULT 0,
  auto_debit INTEGER NOT NULL DEFAULT 0,
  wallets TEXT NOT NULL DEFAULT '',
  payment_services TEXT NOT NULL DEFAULT '',
  plugins TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX payment_method_configs_code ON payment_method_configs (merchant_id, code);
ALTER TABLE merchants ADD COLUMN config_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN config TEXT NOT NULL DEFAULT '';
