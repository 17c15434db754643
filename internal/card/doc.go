// Package card validates payment card numbers (Luhn, length per brand, expiry),
// detects brands from the leading digits, and masks numbers for display.
// It has no I/O. A full number handed to it is never retained or logged.
package card
