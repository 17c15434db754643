-- A checkout session may allow several payment-method configurations
-- (pg_codes, space-separated): routing then chooses among those only.
ALTER TABLE checkout_sessions ADD COLUMN allowed_configs TEXT NOT NULL DEFAULT '';
