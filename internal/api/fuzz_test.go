package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzCreatePayment: any body gets a clean answer: a payment (201/402) or a
// 4xx problem, never a 5xx and never a panic.
func FuzzCreatePayment(f *testing.F) {
	for _, s := range []string{visaSale, `{}`, `null`, `[]`, `{"amount":1e400}`, `{"amount":1,"currency":"USD","payment_method":{"type":"card","card":null}}`,
		`{"metadata":{"a":1}}`, `{"amount":-9223372036854775808}`, "\x00", `{"payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":99,"exp_year":-1}}}`} {
		f.Add(s)
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/v1/payments", bytes.NewBufferString(body))
		req.Header.Set("Authorization", "Bearer "+e.key)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		e.api.Handler().ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%q -> %d %s", body, w.Code, w.Body.String())
		}
		var m map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatalf("%q -> non-JSON answer %q", body, w.Body.String())
		}
		if w.Code >= 400 && w.Code != http.StatusPaymentRequired && m["code"] == nil {
			t.Fatalf("%q -> problem without code: %s", body, w.Body.String())
		}
	})
}

// FuzzAuthorizationHeader: any Authorization or Idempotency-Key header gets
// 401, 400, 429 or a normal answer, never a 5xx or a panic.
func FuzzAuthorizationHeader(f *testing.F) {
	for _, s := range []string{"Bearer sk_test_x", "Basic Zm9vOmJhcg==", "", "Bearer ", "bearer sk_live_" + string(make([]byte, 90)), "Bearer \x00"} {
		f.Add(s, "key-1")
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, authz, idemKey string) {
		req := httptest.NewRequest("GET", "/v1/balance", nil)
		req.Header["Authorization"] = []string{authz}
		req.Header["Idempotency-Key"] = []string{idemKey}
		w := httptest.NewRecorder()
		e.api.Handler().ServeHTTP(w, req)
		if w.Code != http.StatusUnauthorized && w.Code != http.StatusOK && w.Code != http.StatusTooManyRequests && w.Code != http.StatusBadRequest {
			t.Fatalf("Authorization %q -> %d %s", authz, w.Code, w.Body.String())
		}
	})
}
