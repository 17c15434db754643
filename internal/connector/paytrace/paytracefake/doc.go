// Package paytracefake is an in-memory PayTrace JSON API v1 server for
// tests, following the facts in shared/reference/vendors.md section 1: the
// OAuth password grant and bearer tokens ({"error":"invalid_token"} when
// expired), integrator_id required in every /v1 body, keyed, Protect.js
// (single-use hpf_token) and vaulted-customer sales and authorizations,
// capture, void, refunds, exports, customers and payment-field client keys.
// Where the reference is silent (test cards, exact error codes, the export
// shape, export/by_date_range) it follows paygate's design, documented in
// docs/connectors/paytrace.md.
//
// Knobs let tests expire tokens, refuse them, shorten their lifetime, move
// the fake's clock, and make it act on a request but answer too late.
// Request counters and the body log let tests assert what was sent.
package paytracefake
