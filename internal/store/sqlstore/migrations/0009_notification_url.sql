-- A notification URL on a single payment or checkout session: its events go
-- there too, signed with the merchant's notification secret.
ALTER TABLE payments ADD COLUMN notification_url TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN notify_url TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN scope TEXT NOT NULL DEFAULT 'all';
CREATE TABLE notification_secrets (
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  key_id TEXT NOT NULL,
  sealed {{BLOB}} NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, mode)
);
CREATE UNIQUE INDEX webhook_endpoints_notification ON webhook_endpoints (merchant_id, mode, url) WHERE scope = 'notification';
