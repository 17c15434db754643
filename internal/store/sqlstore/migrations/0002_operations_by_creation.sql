-- ListOperations orders a payment's operations by created_at, then id (ids
-- sort by creation only to the millisecond).
DROP INDEX operations_payment;
CREATE INDEX operations_payment ON operations (payment_id, created_at, id);
