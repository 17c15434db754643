// Package money holds amounts as int64 counts of minor units with an ISO 4217
// currency, and converts decimal strings at the edges using each currency's
// exponent. It must not depend on anything but the standard library; no
// floating point is used anywhere in it.
package money
