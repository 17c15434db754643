-- Subscriptions: the cycle a schedule's next charge is for (apart from how
-- many were charged, so that resuming skips the cycles missed while paused
-- or past due instead of charging them all), when the current cycle was
-- first declined (retry delays count from it), and a sequence that gives
-- each new try of a cycle (after a put-off try or a resume) a new
-- idempotency key.
ALTER TABLE subscriptions ADD COLUMN cycle_index INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN failing_since BIGINT;
ALTER TABLE subscriptions ADD COLUMN try_seq INTEGER NOT NULL DEFAULT 0;
UPDATE subscriptions SET cycle_index = cycles_paid;
