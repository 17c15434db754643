-- The merchant dashboard's searches and charts. Payments are listed newest
-- first by id (keyset pagination), so each filter's index ends in id and a
-- page reads only its own rows even among a million payments. The overview
-- sums payments by day from created_at; a payment's timeline reads its
-- ledger lines by payment_id.
CREATE INDEX payments_last4 ON payments (merchant_id, mode, card_last4, id);
CREATE INDEX payments_customer ON payments (merchant_id, mode, customer, id);
CREATE INDEX payments_status ON payments (merchant_id, mode, status, id);
CREATE INDEX payments_created ON payments (merchant_id, mode, created_at);
CREATE INDEX ledger_lines_payment ON ledger_lines (payment_id);
