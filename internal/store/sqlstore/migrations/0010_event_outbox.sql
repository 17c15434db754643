-- Events waiting to be fanned out to webhook endpoints live in their own
-- small table (inserted with the event, deleted by the fan-out), so the
-- events table is append-only: no update per event, no partial index.
CREATE TABLE event_outbox (
  event_id TEXT PRIMARY KEY
);
INSERT INTO event_outbox (event_id) SELECT id FROM events WHERE fanned_out = 0;
DROP INDEX events_fanout;
