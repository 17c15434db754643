// Package connector defines the boundary between the engine and a payment
// processor: one request and one result struct per operation, and a few
// shared failure classes with one rule for which may be retried. Connectors
// (sandbox, paytrace, stripe) live in subpackages and import only this
// package and the domain; the engine never sees a processor's wire format.
package connector
