-- Invoices with their payment links, and the outgoing email queue.
CREATE TABLE invoices (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  number TEXT NOT NULL,
  customer_email TEXT NOT NULL,
  customer_name TEXT NOT NULL DEFAULT '',
  currency TEXT NOT NULL,
  lines TEXT NOT NULL,
  total BIGINT NOT NULL,
  memo TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL DEFAULT 'en',
  due_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  token_key_id TEXT NOT NULL,
  sealed_token {{BLOB}} NOT NULL,
  session_id TEXT NOT NULL DEFAULT '',
  payment_id TEXT NOT NULL DEFAULT '',
  reminded_before INTEGER NOT NULL DEFAULT 0,
  overdue_reminders INTEGER NOT NULL DEFAULT 0,
  last_reminder_at BIGINT,
  locked_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX invoices_list ON invoices (merchant_id, mode, id);
CREATE INDEX invoices_open ON invoices (due_at) WHERE status = 'open';
CREATE TABLE emails (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  kind TEXT NOT NULL,
  object_id TEXT NOT NULL DEFAULT '',
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  locked_until BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX emails_due ON emails (next_attempt_at) WHERE status = 'pending';
CREATE INDEX emails_object ON emails (object_id);
