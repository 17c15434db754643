// Package opentrade is the OpenTrade Commerce "custom payment system" front
// door: paygate plays the payment system (PS) that an OpenTrade contractor
// plugs into OpenTrade's billing.
//
//   - POST /opentrade/v1/payment-form (HTTP Basic: member id and payment
//     secret) answers the PaymentFormAnswer XML the OpenTrade side builds
//     its payment form from: RequestMethod, RequestUrl and the Parameters.
//   - GET or POST /opentrade/v1/pay/{memberId} (the RequestUrl) takes the
//     payer's form (orderID, PaymentID, UserID, Amount, Currency as an ISO
//     4217 numeric code, Description, SuccessUrl, failUrl, resultUrl; names
//     matched without regard to case), opens a hosted checkout session for
//     it and sends the payer there (303). The hosted page returns the payer
//     to SuccessUrl after paying, or to failUrl when they give up.
//   - POST /opentrade/v1/status and POST /opentrade/v1/refund are paygate
//     extensions (the vendor has no such calls): a payment's status and a
//     refund, by the shop's server, signed with HMAC-SHA256 under the
//     payment secret over a canonical string (signed.go), refunds made
//     idempotent by the shop's RefundID.
//   - Notifier is the engine.DoorNotifier that renders the result
//     notification POSTed to resultUrl, signed with HMAC-SHA256 under the
//     merchant's payment secret. The vendor's own format is not published;
//     Format makes ours swappable.
//
// The payment secret is a door credential (engine.CreateDoorCredential
// with door "opentrade"); its member id names the merchant in RequestUrl.
// A payment made here is the same payment in the native API, the ledger
// and the dashboard. docs/migrate-opentrade.md is the merchant-facing
// description.
package opentrade
