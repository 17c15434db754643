package fault

import (
	"errors"
	"fmt"
)

// Kind is the class of a failure; doors map kinds to status codes.
type Kind int

// The kinds of failure. Keep this list short: a new kind is a new row in every
// door's mapping table.
const (
	Internal              Kind = iota // a bug or an unexpected infrastructure failure
	Invalid                           // the request is malformed or names a bad value
	NotFound                          // no such object for this merchant and mode
	Conflict                          // the object's current state forbids the operation
	Declined                          // the processor or the card refused
	Unavailable                       // the processor or a dependency is down; retry later
	Forbidden                         // authenticated, but not allowed
	Unauthorized                      // no valid credentials
	IdempotencyMismatch               // same idempotency key, different request
	IdempotencyInProgress             // same idempotency key, first request still running
	RateLimited                       // too many requests
)

// Error is a failure with a stable code. Code values are part of the public
// API; never rename one.
type Error struct {
	Kind    Kind
	Code    string
	Param   string
	Message string
	// Required names the scope or permission whose absence caused a Forbidden.
	Required string
	Err      error
}

func (e *Error) Error() string {
	msg := e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Param != "" {
		msg += " (" + e.Param + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, &Error{Code: "x"}) match on code, or on kind when
// the target has no code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.Code != "" {
		return t.Code == e.Code
	}
	return t.Kind == e.Kind
}

// New returns an error of a kind with a code and message.
func New(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidParam returns an Invalid error naming the offending field.
func InvalidParam(param, code, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Code: code, Param: param, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf returns a NotFound error for the named resource.
func NotFoundf(resource, id string) *Error {
	return &Error{Kind: NotFound, Code: "resource_missing", Param: "id", Message: fmt.Sprintf("no such %s: %q", resource, id)}
}

// As extracts an *Error, or wraps an unknown error as Internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Code: "internal_error", Message: "an internal error occurred", Err: err}
}

// KindOf returns the kind of err, Internal for errors not made here.
func KindOf(err error) Kind { return As(err).Kind }

// Missing returns a Forbidden error naming the scope or permission the
// caller lacks: code insufficient_scope for keys and tokens (RFC 6750 §3.1),
// permission_denied for people.
func Missing(code, required string) *Error {
	return &Error{Kind: Forbidden, Code: code, Required: required,
		Message: fmt.Sprintf("this credential lacks %q, which the request needs", required)}
}

// IsNotFound reports whether err is a NotFound fault.
func IsNotFound(err error) bool { return err != nil && KindOf(err) == NotFound }
