package connector

import (
	"errors"
	"fmt"
)

// Class is one of the few ways a call to a processor can fail (as opposed to
// being declined, which is an Outcome).
type Class string

// Failure classes shared by every connector.
const (
	InvalidRequest Class = "invalid_request" // the processor refused the request's form
	RateLimited    Class = "rate_limited"
	Timeout        Class = "timeout"     // outcome unknown
	Unavailable    Class = "unavailable" // not processed (5xx, connection refused)
	AuthFailed     Class = "auth_failed" // our credentials at the processor are wrong
)

// RefundUnsupported is the DeclineCode of a refund the processor cannot
// make at all, however often it is asked (PayTrace refunds a transaction
// only once): nothing was sent and nothing changed.
const RefundUnsupported = "refund_unsupported"

// Error is a failed call.
type Error struct {
	Class   Class
	Code    string
	Message string
	// Field names the credential at fault in a credentials_invalid error
	// ("secret_key"), so the answer can name it.
	Field string
	Err   error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("connector %s", e.Class)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Retryable is the one rule for whether a failed call may be sent again to the
// same or another processor: only when the processor certainly did not act.
// A Timeout is not retryable: the processor may have authorized.
func Retryable(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Class == RateLimited || e.Class == Unavailable
}

// OutcomeUnknown reports whether err leaves the processor's decision unknown.
func OutcomeUnknown(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Class == Timeout
}
