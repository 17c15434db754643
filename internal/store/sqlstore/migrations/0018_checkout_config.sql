-- A checkout session may name the payment-method configuration (pg_code)
-- its payment goes through (Ottu's pg_codes).
ALTER TABLE checkout_sessions ADD COLUMN config TEXT NOT NULL DEFAULT '';
