package smartpay

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/paygate/paygate/internal/fault"
)

// errorBody is the door's error answer. The vendor reference lists the
// HTTP codes (200, 400, 401, 403, 404, 500) but not an error body; this one
// is paygate's and docs/migrate-smartpay.md describes it.
type errorBody struct {
	ErrorCode   string `json:"errorCode"`
	Message     string `json:"message"`
	Field       string `json:"field,omitempty"`
	RequestTime string `json:"requestTime"`
}

// Errors of the door itself that are not engine faults.
var (
	errNotFound          = fault.New(fault.NotFound, "transaction_not_found", "no such transaction")
	errDuplicatePartner  = fault.New(fault.Conflict, "duplicate_partner_reference", "partnerReference has been used for another transaction")
	errNotModifiable     = fault.New(fault.Conflict, "transaction_not_authorized", "the transaction has no authorized or captured payment")
	errCurrency          = fault.InvalidParam("modifiedAmount.currencyCode", "currency_mismatch", "modifiedAmount.currencyCode must be the transaction's currency")
	errModificationReuse = &fault.Error{Kind: fault.IdempotencyMismatch, Code: "modification_id_reused"}
)

// errorFor is the one place an error becomes the door's answer: an HTTP
// status and a SmartPay error code. Engine faults map by kind; messages of
// Invalid faults name the field, never a value.
func errorFor(err error) (int, errorBody) {
	var fe *fieldError
	if errors.As(err, &fe) {
		return http.StatusBadRequest, errorBody{ErrorCode: "INVALID_REQUEST", Message: fe.Error(), Field: fe.field}
	}
	f := fault.As(err)
	switch f.Kind {
	case fault.Invalid:
		return http.StatusBadRequest, errorBody{ErrorCode: "INVALID_REQUEST", Message: f.Message, Field: f.Param}
	case fault.Unauthorized:
		return http.StatusUnauthorized, errorBody{ErrorCode: "UNAUTHORIZED", Message: "the credentials are missing, wrong, expired or revoked"}
	case fault.Forbidden:
		return http.StatusForbidden, errorBody{ErrorCode: "FORBIDDEN", Message: f.Message}
	case fault.NotFound:
		return http.StatusNotFound, errorBody{ErrorCode: "TRANSACTION_NOT_FOUND", Message: "no such transaction"}
	case fault.Conflict:
		if f.Code == errDuplicatePartner.Code {
			return http.StatusConflict, errorBody{ErrorCode: "DUPLICATE_PARTNER_REFERENCE", Message: f.Message, Field: "partnerReference"}
		}
		return http.StatusConflict, errorBody{ErrorCode: "INVALID_TRANSACTION_STATE", Message: f.Message}
	case fault.Declined:
		return http.StatusBadRequest, errorBody{ErrorCode: "DECLINED", Message: "the payment provider declined the request: " + f.Code}
	case fault.IdempotencyMismatch:
		return http.StatusConflict, errorBody{ErrorCode: "MODIFICATION_ID_REUSED", Message: "modificationId was used for another request", Field: "modificationId"}
	case fault.IdempotencyInProgress:
		return http.StatusConflict, errorBody{ErrorCode: "MODIFICATION_IN_PROGRESS", Message: "a request with this modificationId is still being processed; retry later", Field: "modificationId"}
	case fault.Unavailable:
		return http.StatusServiceUnavailable, errorBody{ErrorCode: "SERVICE_UNAVAILABLE", Message: "the payment provider is unavailable; retry later"}
	case fault.RateLimited:
		return http.StatusTooManyRequests, errorBody{ErrorCode: "TOO_MANY_REQUESTS", Message: "too many requests"}
	}
	return http.StatusInternalServerError, errorBody{ErrorCode: "INTERNAL_ERROR", Message: "internal error"}
}

// fail answers an error through errorFor.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, b := errorFor(err)
	if status >= 500 {
		// Engine errors never carry card data; request bodies are not logged.
		s.log.ErrorContext(r.Context(), "smartpay request failed", "path", r.URL.Path, "err", err)
	}
	b.RequestTime = stamp(s.now())
	writeJSON(w, status, b)
}

// errorJSON renders an error answer, for idempotent replays.
func (s *Server) errorJSON(err error) (int, []byte) {
	status, b := errorFor(err)
	b.RequestTime = stamp(s.now())
	out, _ := json.Marshal(b)
	return status, out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"errorCode":"INTERNAL_ERROR","message":"internal error"}`)
	}
	writeRaw(w, status, append(b, '\n'))
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}
