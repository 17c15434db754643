// Package redact is a slog.Handler wrapper that keeps card data out of logs:
// any run of 13 to 19 digits (spaces or dashes allowed between groups) that
// passes the Luhn check is masked to first six and last four, and attributes
// whose key names a security code or a card number are dropped. It depends
// only on internal/card and the standard library.
package redact
