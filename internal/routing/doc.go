// Package routing chooses which payment-method configurations a payment is
// sent to, and in which order (rules, priorities, weights), and keeps a
// circuit breaker per configuration so a failing processor stops taking
// new payments for a while. It does no I/O.
package routing
