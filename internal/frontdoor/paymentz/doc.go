// Package paymentz is the Paymentz-compatible front door: the vendor's
// /transactionServices/REST/v1 protocol (authToken, payments, backoffice
// operations on payments/{paymentId}, recurring, registrations, payouts,
// lookups, and the invoice service) translated onto the one core engine. A
// payment request without card data becomes an engine checkout session on
// paygate's hosted page (the vendor's asynchronous flow, async.go).
// A payment made here is the same payment in the native API, the ledger and
// the dashboard.
//
// Everything vendor-specific lives here and only here: form or JSON bodies
// with dotted names, MD5 checksums, two-decimal amount strings, numeric
// payment ids, short and long statuses and result codes. The package
// depends on the engine, money and fault packages; the engine knows nothing
// about Paymentz beyond the door credentials it stores for it.
//
// docs/migrate-paymentz.md is the merchant-facing description; codes that
// the vendor reference does not publish are defined in errors.go.
package paymentz
