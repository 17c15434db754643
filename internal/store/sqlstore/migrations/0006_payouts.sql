-- Payouts: money from a merchant's available balance to a card or a bank account.
CREATE TABLE payouts (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  status TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  destination TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  reference TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT '',
  connector TEXT NOT NULL DEFAULT '',
  processor_ref TEXT NOT NULL DEFAULT '',
  failure_code TEXT NOT NULL DEFAULT '',
  failure_message TEXT NOT NULL DEFAULT '',
  idempotency_key TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX payouts_list ON payouts (merchant_id, mode, id);
CREATE INDEX payouts_pending ON payouts (updated_at) WHERE status = 'pending';
