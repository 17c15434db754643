-- The time step of the last second-factor code accepted for a person: a
-- code is accepted once (RFC 6238 §5.2), not again within its window.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
