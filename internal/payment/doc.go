// Package payment defines a payment, its states, the transitions between them
// and the operations (authorize, capture, void, refund) recorded against it.
// Every front door speaks through this one state machine. It has no I/O.
package payment
