// Package engine holds paygate's use cases: create a payment, capture, void,
// refund, look up, verify the ledger. It talks to the outside only through
// the interfaces defined here (Store, Tx, connector.Connector, a clock), so
// every front door and every store shares one set of rules. It imports the
// domain packages and nothing that does I/O.
package engine
