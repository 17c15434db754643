-- Open invoices are claimed when their link expires as well as when a
-- reminder is due (ClaimOpenInvoices), so the expiry needs an index too.
CREATE INDEX invoices_expiry ON invoices (expires_at) WHERE status = 'open';
