package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/paygate/paygate/internal/fault"
)

// ottuPaymentMethodsPath is Ottu's Payment Methods API path, which paygate
// serves with Ottu's request and error shapes (reference §3.2).
const ottuPaymentMethodsPath = "/b/pbl/v2/payment-methods/"

// Ottu's (Django REST framework's) texts for refusals that carry no
// detail of their own, the same the Ottu front door answers.
const (
	ottuNoCredentials  = "Authentication credentials were not provided."
	ottuBadCredentials = "Invalid API key or username/password."
	ottuNoPermission   = "You do not have permission to perform this action."
)

// ottuErrorBody is an error in Ottu's shape: 400 {field: [message]} (a
// request-wide problem under non_field_errors), 401/403/404/429/5xx
// {"detail": message}.
func ottuErrorBody(status int, p problem) any {
	switch {
	case status == http.StatusBadRequest:
		field := p.Param
		if field == "" {
			field = "non_field_errors"
		}
		return map[string][]string{field: {p.Detail}}
	case status == http.StatusUnauthorized && p.Code == errNoCredentials.Code:
		return map[string]string{"detail": ottuNoCredentials}
	case status == http.StatusUnauthorized:
		return map[string]string{"detail": ottuBadCredentials}
	case status == http.StatusForbidden && strings.HasPrefix(p.Required, "use:"):
		return map[string]string{"detail": "You do not have permission to use the payment gateway " + strings.TrimPrefix(p.Required, "use:") + "."}
	case status == http.StatusForbidden:
		return map[string]string{"detail": ottuNoPermission}
	case status == http.StatusNotFound:
		return map[string]string{"detail": "Not found."}
	case status >= 500 && p.Code == "internal_error":
		return map[string]string{"detail": "A server error occurred."}
	}
	return map[string]string{"detail": p.Detail}
}

// writeOttuError writes err in Ottu's shape.
func writeOttuError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := problemFor(err, requestID(r.Context()))
	if fault.KindOf(err) == fault.Internal {
		logger(r.Context()).Error("internal error", "err", err)
	}
	writeOttuProblem(w, status, body)
}

func writeOttuProblem(w http.ResponseWriter, status int, problemJSON []byte) {
	var p problem
	_ = json.Unmarshal(problemJSON, &p)
	b, _ := json.Marshal(ottuErrorBody(status, p))
	w.Header().Del("Content-Length")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// ottuShaped rewrites the problem+json answers of h (and of the guard
// around it: missing credentials, missing permission, rate limits) into
// Ottu's error shapes, keeping their status and headers.
func ottuShaped(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ow := &ottuWriter{ResponseWriter: w}
		h(ow, r)
		if ow.problem {
			writeOttuProblem(w, ow.status, ow.buf.Bytes())
		}
	}
}

// ottuWriter holds back a problem+json answer so ottuShaped can rewrite
// it; any other answer passes straight through.
type ottuWriter struct {
	http.ResponseWriter
	wrote, problem bool
	status         int
	buf            bytes.Buffer
}

func (w *ottuWriter) WriteHeader(status int) {
	if w.wrote {
		return
	}
	w.wrote, w.status = true, status
	if strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
		w.problem = true
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *ottuWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *ottuWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.problem {
		return w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// decodeOttuJSON reads a Payment Methods request as Ottu does: unknown
// fields ignored, an empty body an empty object, a field of the wrong
// type {field: ["Incorrect type."]}, anything unreadable
// {"non_field_errors": ["JSON parse error."]}.
func decodeOttuJSON(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fault.InvalidParam(te.Field, "invalid_type", "Incorrect type.")
		}
		return fault.New(fault.Invalid, "invalid_json", "JSON parse error.")
	}
	var probe any
	if json.Unmarshal(body, &probe) == nil {
		if _, isObject := probe.(map[string]any); !isObject {
			return fault.New(fault.Invalid, "invalid_json", "JSON parse error.")
		}
	}
	return nil
}
