-- Routing rules of payment-method configurations: which payments a
-- configuration takes when a payment names none, in what order, and how
-- long its processor may take.
ALTER TABLE payment_method_configs ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
ALTER TABLE payment_method_configs ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;
ALTER TABLE payment_method_configs ADD COLUMN min_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payment_method_configs ADD COLUMN max_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payment_method_configs ADD COLUMN card_brands TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_method_configs ADD COLUMN card_countries TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_method_configs ADD COLUMN timeout_ms INTEGER NOT NULL DEFAULT 0;
