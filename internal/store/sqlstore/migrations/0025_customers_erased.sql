-- A deleted customer stays as a tombstone (its id, merchant, mode and
-- creation time) so that past payments, subscriptions and audit entries
-- still name it; its reference, email, name and metadata are erased.
ALTER TABLE customers ADD COLUMN deleted_at BIGINT;
