// Package ottu is the Ottu-compatible front door: Ottu's Checkout API
// (/b/checkout/v1/pymt-txn/), its Operations API (/b/pbl/v2/operation/),
// auto-debit with a saved card, User Cards, and Ottu's signed payment and
// operation webhooks, translated onto the one core engine. An Ottu
// session is an engine checkout session (session_id is its id, checkout_url
// paygate's hosted page); a payment made on it is the same payment in the
// native API, the ledger and the dashboard.
//
// Everything vendor-specific lives here: decimal amount strings with the
// currency's decimals (three for KWD), Ottu's transaction states (one
// table, state.go), its 400 {field: [message]} errors, and the HMAC-SHA256
// signature over the sorted key+value concatenation of a fixed field list.
// Ottu's fields without a native home (order_no aside, which is the
// session's reference) ride in the session's metadata under "ottu_" keys,
// so they reach the payment and its webhook payload unchanged.
//
// The Payment Methods API stays a native route (internal/api/pmconfigs.go);
// docs/migrate-ottu.md is the merchant-facing description.
package ottu
