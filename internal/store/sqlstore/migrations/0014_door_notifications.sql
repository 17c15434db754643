-- Payments made through a vendor front door send that door's own callbacks
-- to their notification URL: the payment and its events name the door, and
-- the notification endpoint for a URL is kept per door.
ALTER TABLE payments ADD COLUMN door TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN notify_door TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN door TEXT NOT NULL DEFAULT '';
DROP INDEX webhook_endpoints_notification;
CREATE UNIQUE INDEX webhook_endpoints_notification ON webhook_endpoints (merchant_id, mode, url, door) WHERE scope = 'notification';
ALTER TABLE checkout_sessions ADD COLUMN door TEXT NOT NULL DEFAULT '';
