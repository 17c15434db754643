-- A search by reference (the Paymentz door on every payment, the
-- dashboard, GET /v1/payments?reference=) must use its index: ending it in
-- id lets the index serve the newest-first order too, so the planner no
-- longer prefers walking every payment by id (860 ms at a million payments).
DROP INDEX payments_reference;
CREATE INDEX payments_reference ON payments (merchant_id, mode, reference, id);
