package api

import (
	"encoding/json"
	"net/http"

	"github.com/paygate/paygate/internal/fault"
)

// problem is an RFC 9457 problem details object with paygate's extensions.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Param  string `json:"param,omitempty"`
	// Required is the missing scope or permission of a 403.
	Required  string `json:"required,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// statusOf is the one table from error kinds to HTTP status codes.
func statusOf(k fault.Kind) (int, string) {
	switch k {
	case fault.Invalid:
		return http.StatusBadRequest, "Invalid request"
	case fault.Unauthorized:
		return http.StatusUnauthorized, "Unauthorized"
	case fault.Declined:
		return http.StatusPaymentRequired, "Declined"
	case fault.Forbidden:
		return http.StatusForbidden, "Forbidden"
	case fault.NotFound:
		return http.StatusNotFound, "Not found"
	case fault.Conflict:
		return http.StatusConflict, "Conflict"
	case fault.IdempotencyInProgress:
		return http.StatusConflict, "Request in progress"
	case fault.IdempotencyMismatch:
		return http.StatusUnprocessableEntity, "Idempotency key reused"
	case fault.RateLimited:
		return http.StatusTooManyRequests, "Too many requests"
	case fault.Unavailable:
		return http.StatusServiceUnavailable, "Processor unavailable"
	default:
		return http.StatusInternalServerError, "Internal error"
	}
}

// problemFor renders an error. Internal errors never show their cause.
func problemFor(err error, requestID string) (int, []byte) {
	fe := fault.As(err)
	status, title := statusOf(fe.Kind)
	detail := fe.Message
	if fe.Kind == fault.Internal {
		detail = "an internal error occurred; the request id identifies it in the logs"
		fe = &fault.Error{Kind: fault.Internal, Code: "internal_error"}
	}
	body, _ := json.Marshal(problem{Type: "https://paygate.dev/problems/" + fe.Code, Title: title, Status: status,
		Detail: detail, Code: fe.Code, Param: fe.Param, Required: fe.Required, RequestID: requestID})
	return status, body
}

// writeProblem writes err as problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	status, body := problemFor(err, requestID(r.Context()))
	if fault.KindOf(err) == fault.Internal {
		logger(r.Context()).Error("internal error", "err", err)
	}
	writeBody(w, status, body)
}

// writeBody writes a stored or fresh body; error statuses get the problem
// media type unless the body is an API object (a declined payment).
func writeBody(w http.ResponseWriter, status int, body []byte) {
	ct := "application/json"
	if status >= 400 && !isObject(body) {
		ct = "application/problem+json"
	}
	if (status == http.StatusConflict || status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests) && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	w.Write(body)
}

// isObject reports whether body is an API object rather than a problem:
// API objects start with their id.
func isObject(body []byte) bool { return len(body) > 7 && string(body[:7]) == `{"id":"` }
