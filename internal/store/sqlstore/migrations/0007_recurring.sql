-- Recurring: mandates (consent to charge a saved card later) and schedules.
CREATE TABLE mandates (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  payment_method_id TEXT NOT NULL,
  initial_payment_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX mandates_customer ON mandates (merchant_id, mode, customer_id);
CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  mandate_id TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  interval_unit TEXT NOT NULL,
  interval_count INTEGER NOT NULL,
  start_at BIGINT NOT NULL,
  cycles INTEGER NOT NULL DEFAULT 0,
  end_at BIGINT,
  status TEXT NOT NULL,
  cycles_paid INTEGER NOT NULL DEFAULT 0,
  attempt INTEGER NOT NULL DEFAULT 0,
  next_charge_at BIGINT NOT NULL,
  locked_until BIGINT NOT NULL DEFAULT 0,
  retry_delays TEXT NOT NULL DEFAULT '',
  last_payment TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX subscriptions_list ON subscriptions (merchant_id, mode, id);
CREATE INDEX subscriptions_due ON subscriptions (next_charge_at) WHERE status = 'active';
ALTER TABLE payments ADD COLUMN mandate TEXT NOT NULL DEFAULT '';
