// Package stripe is paygate's connector to Stripe's PaymentIntents API
// (create-and-confirm, capture, cancel) and Refunds API, over Stripe's
// form-encoded HTTP protocol. It maps Stripe's statuses and errors to the
// shared connector outcomes and failure classes; docs/connectors/stripe.md
// lists every mapping and which parts are Stripe's documented behaviour and
// which are paygate's design. It imports only the connector interface and the
// domain (money, card), never the engine.
//
// Subpackage stripefake is a small stateful Stripe used by the tests; the
// wire format is also checked against Stripe's own stripe-mock.
package stripe
