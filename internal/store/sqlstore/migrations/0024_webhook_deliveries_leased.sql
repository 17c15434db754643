-- A claim counts the deliveries every process holds for an endpoint (pending
-- and leased), so the per-endpoint cap holds across processes; this keeps
-- that count to the leased rows, however long the backlog.
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (locked_until, endpoint_id) WHERE status = 'pending';
