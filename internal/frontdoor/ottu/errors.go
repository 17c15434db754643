package ottu

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/fault"
)

// fieldErr is a validation error on one of Ottu's fields.
func fieldErr(field, msg string) error {
	return fault.InvalidParam(field, "invalid", "%s", msg)
}

// ottuFields names the engine's parameters by Ottu's field names.
var ottuFields = map[string]string{
	"currency": "currency_code", "success_url": "redirect_url", "cancel_url": "redirect_url", "notification_url": "webhook_url",
	"expires_in": "expiration_time", "customer": "customer_id", "reference": "order_no", "locale": "language",
	"pg_code": "pg_codes", "metadata": "non_field_errors", "description": "non_field_errors", "": "non_field_errors",
	"payment_method_id": "token", "payment_method": "token",
}

func ottuField(param string) string {
	if f, ok := ottuFields[param]; ok {
		return f
	}
	if strings.HasPrefix(param, "metadata.") || strings.HasPrefix(param, "payment_method.") {
		return "non_field_errors"
	}
	return param
}

// errorBody maps an error onto Ottu's shapes: 400 {field: [message]} for
// bad input (as the native Ottu payment-methods route answers), 400
// {detail} for an operation the state forbids or the processor declined,
// 401/403/404 {detail}, 409 for idempotency conflicts, 5xx {detail}.
func errorBody(err error) (int, any) {
	fe := fault.As(err)
	switch fe.Kind {
	case fault.Invalid:
		return http.StatusBadRequest, map[string][]string{ottuField(fe.Param): {fe.Message}}
	case fault.Conflict, fault.Declined:
		return http.StatusBadRequest, map[string]string{"detail": fe.Message}
	case fault.NotFound:
		return http.StatusNotFound, map[string]string{"detail": "Not found."}
	case fault.Unauthorized:
		return http.StatusUnauthorized, map[string]string{"detail": fe.Message}
	case fault.Forbidden:
		msg := "You do not have permission to perform this action."
		if fe.Code == "two_factor_enabled" {
			msg = fe.Message
		}
		if strings.HasPrefix(fe.Required, "use:") {
			msg = "You do not have permission to use the payment gateway " + strings.TrimPrefix(fe.Required, "use:") + "."
		}
		return http.StatusForbidden, map[string]string{"detail": msg}
	case fault.IdempotencyMismatch:
		// The engine's words name the native header; this door's is Tracking-Key.
		return http.StatusConflict, map[string]string{"detail": "This Tracking-Key was used with a different request; use a new Tracking-Key for a new operation.", "code": "idempotency_conflict"}
	case fault.IdempotencyInProgress:
		return http.StatusConflict, map[string]string{"detail": "An operation with this Tracking-Key is still in progress; retry it shortly.", "code": "idempotency_conflict"}
	case fault.RateLimited:
		return http.StatusTooManyRequests, map[string]string{"detail": fe.Message}
	case fault.Unavailable:
		return http.StatusServiceUnavailable, map[string]string{"detail": fe.Message}
	}
	return http.StatusInternalServerError, map[string]string{"detail": "A server error occurred."}
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, body := errorBody(err)
	if status >= 500 {
		// Engine errors never carry card data; request bodies are not logged.
		s.log.ErrorContext(r.Context(), "ottu request failed", "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Api-Key realm="paygate"`)
	}
	var wait interface{ RetryAfter() time.Duration }
	if errors.As(err, &wait) {
		w.Header().Set("Retry-After", strconv.Itoa(max(int((wait.RetryAfter()+time.Second-1)/time.Second), 1)))
	}
	writeJSON(w, status, body)
}
