// Package smartpay is the SmartPay-compatible front door (J.P. Morgan
// Mobility Payment Solutions, formerly vwfspay): Create Checkout
// (POST /payment/creation), the widget initialized by the checkout token,
// Get Payment Status and the capture, refund and cancelOrRefund
// modifications, translated onto the one core engine. A SmartPay
// transaction is a paygate checkout session; the payment made on it is the
// same payment in the native API, the ledger and the dashboard.
//
// Everything vendor-specific lives here: GUID transaction ids (a checkout
// session id re-encoded, see txid.go), decimal amounts as JSON numbers,
// modificationId idempotency, partnerReference uniqueness, the status
// table (status.go), the error format (errors.go), the webhook format
// (notify.go) and the widget wrapper script (static/smartpay.js).
// Authentication is paygate's own access layer: Basic with an API key as
// merchantKey:authenticationKey, or an OAuth client-credentials token from
// paygate's /oauth/token.
//
// docs/migrate-smartpay.md is the merchant-facing description.
package smartpay
