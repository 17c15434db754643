package opentrade

import (
	"encoding/xml"
	"net/http"

	"github.com/paygate/paygate/internal/fault"
)

// ErrorCode values of the signed calls' answers, beyond the form answer's.
const (
	CodeNotFound       = "NotFound"
	CodeConflict       = "Conflict"       // the payment's state forbids it: not paid, nothing left to refund
	CodeRefundIDReused = "RefundIDReused" // the RefundID was used for another refund
	CodeInProgress     = "InProgress"     // the first request with this RefundID is still running: retry
	CodeDeclined       = "Declined"       // the processor refused the refund
	CodeUnavailable    = "Unavailable"    // the processor is unavailable: retry later
	CodeRateLimited    = "RateLimited"
)

// callError maps an error kind to a signed call's HTTP status and
// ErrorCode: the door's one table.
func callError(err error) (int, string, string) {
	fe := fault.As(err)
	msg := fe.Message
	if fe.Param != "" {
		msg = fe.Param + ": " + msg
	}
	switch fe.Kind {
	case fault.Invalid:
		return http.StatusBadRequest, CodeInvalidParameter, msg
	case fault.Unauthorized, fault.Forbidden:
		return http.StatusUnauthorized, CodeAuthenticationFailed, msg
	case fault.NotFound:
		return http.StatusNotFound, CodeNotFound, msg
	case fault.Conflict:
		return http.StatusConflict, CodeConflict, msg
	case fault.IdempotencyMismatch:
		return http.StatusConflict, CodeRefundIDReused, "RefundID: was used for another refund"
	case fault.IdempotencyInProgress:
		return http.StatusConflict, CodeInProgress, "the first request with this RefundID is still running; retry"
	case fault.Declined:
		return http.StatusPaymentRequired, CodeDeclined, msg
	case fault.Unavailable:
		return http.StatusServiceUnavailable, CodeUnavailable, msg
	case fault.RateLimited:
		return http.StatusTooManyRequests, CodeRateLimited, msg
	}
	return http.StatusInternalServerError, CodeInternalError, "internal error"
}

// callFailed answers a signed call's error.
func (s *Server) callFailed(w http.ResponseWriter, r *http.Request, name string, err error) {
	status, code, msg := callError(err)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "opentrade call failed", "call", name, "err", err)
	}
	writeCall(w, status, &CallAnswer{XMLName: xml.Name{Local: name}, ErrorCode: code, ErrorDescription: msg})
}

// writeCall writes a signed call's answer.
func writeCall(w http.ResponseWriter, status int, a *CallAnswer) { writeRaw(w, status, callBody(a)) }

// writeRaw writes an answer's document (a stored one, for a repeated RefundID).
func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

// callBody is an answer's document, with the XML declaration.
func callBody(a *CallAnswer) []byte {
	b, err := xml.MarshalIndent(a, "", "  ")
	if err != nil {
		return []byte(xml.Header + "<" + a.XMLName.Local + "><ErrorCode>InternalError</ErrorCode></" + a.XMLName.Local + ">\n")
	}
	return append(append([]byte(xml.Header), b...), '\n')
}
