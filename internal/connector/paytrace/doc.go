// Package paytrace is paygate's connector to PayTrace's JSON API v1: an
// OAuth password grant whose bearer token is cached and renewed, keyed and
// Protect.js (hpf_token) sales and authorizations, vaulted-customer charges
// and credits, captures, voids, refunds and status lookups.
//
// PayTrace v1 has no idempotency key, so the connector never sends an
// authorization twice: a repeat with the same PaymentID is answered from a
// bounded in-memory record, and a lost answer is found again by the
// invoice_id (= PaymentID, or OperationID for refunds) the connector sends.
// docs/connectors/paytrace.md says which facts come from the vendor
// reference and which are paygate's design.
//
// It imports only the connector interface and the domain (money, card).
// Card data lives for one call: it is never logged, stored or echoed in an
// error (numbers PayTrace quotes back are masked to first six/last four).
package paytrace
