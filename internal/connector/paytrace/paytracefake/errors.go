package paytracefake

import (
	"fmt"
	"net/http"
)

// ptError is one entry of PayTrace's errors object: code -> messages. The
// reference gives the shape ([3P]) but no code list; these codes and texts
// are the fake's choice, modelled on PayTrace's "Please provide a valid …".
type ptError struct{ code, msg string }

var (
	errBadJSON       = ptError{"1", "Please provide a valid JSON request body."}
	errIntegratorID  = ptError{"817", "Please provide a valid Integrator ID."}
	errCardNumber    = ptError{"35", "Please provide a valid Credit Card Number."}
	errAmount        = ptError{"42", "Please provide a valid Transaction Amount."}
	errExpMonth      = ptError{"43", "Please provide a valid Expiration Month."}
	errExpYear       = ptError{"44", "Please provide a valid Expiration Year."}
	errCSC           = ptError{"148", "Please provide a valid CSC."}
	errTransactionID = ptError{"58", "Please provide a valid Transaction ID."}
	errCustomerID    = ptError{"79", "Please provide a valid Customer ID."}
	errCustomerTaken = ptError{"171", "Please provide a unique Customer ID."}
	errHPFToken      = ptError{"903", "The hpf_token is invalid, expired or already used."}
	errDate          = ptError{"600", "Please provide a valid date range (MM/DD/YYYY)."}
)

// quoted is e quoting value back, when the QuoteValues knob is on.
func (s *Server) quoted(e ptError, value string) ptError {
	if s.quoteValues {
		e.msg += fmt.Sprintf(" (got %q)", value)
	}
	return e
}

// fail is response code 1: the request's form was refused.
func fail(errs ...ptError) (int, any) {
	m := map[string][]string{}
	for _, e := range errs {
		m[e.code] = append(m[e.code], e.msg)
	}
	return http.StatusBadRequest, map[string]any{"success": false, "response_code": 1,
		"status_message": "One or more errors has occurred.", "errors": m}
}

// unsuccessful is a follow-up PayTrace understood but would not do
// (107 refund, 110 void, 113 capture).
func unsuccessful(code int, msg string) (int, any) {
	return http.StatusOK, map[string]any{"success": false, "response_code": code, "status_message": msg}
}
