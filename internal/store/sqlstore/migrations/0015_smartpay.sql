-- References a front door keeps unique per merchant and mode for ever
-- (SmartPay's partnerReference, which "blocks double processing"): the row
-- is written once and never changes, so a second checkout with the same
-- reference is refused long after any idempotency key has been reaped.
-- object_id names what the reference was first used for (a checkout session).
CREATE TABLE door_references (
  door TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  reference TEXT NOT NULL,
  object_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (door, merchant_id, mode, reference)
);
