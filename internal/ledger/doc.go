// Package ledger builds the double-entry postings that record every movement
// of money and checks the invariants that tie them to payments. Postings are
// plain values validated before any I/O (Formance's rule); the store writes
// them in the same transaction as the state change they record. No I/O here.
package ledger
