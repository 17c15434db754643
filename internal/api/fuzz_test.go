package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
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

// FuzzTokenEndpoint: any form body or Basic header gets an RFC 6749 answer
// (200, 400, 401 or 429 with an "error"), never a 5xx or a panic.
func FuzzTokenEndpoint(f *testing.F) {
	for _, s := range []string{"grant_type=client_credentials", "grant_type=password&username=a&password=b", "", "%zz", "grant_type=client_credentials&scope=%00",
		"grant_type=client_credentials&client_id=key_x&client_secret=sk_test_" + strings.Repeat("a", 40)} {
		f.Add(s, "Basic Zm9vOmJhcg==")
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body, authz string) {
		req := httptest.NewRequest("POST", "/oauth/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header["Authorization"] = []string{authz}
		w := httptest.NewRecorder()
		e.api.Handler().ServeHTTP(w, req)
		var m map[string]any
		if w.Code >= 500 || json.Unmarshal(w.Body.Bytes(), &m) != nil {
			t.Fatalf("%q %q -> %d %s", body, authz, w.Code, w.Body.String())
		}
		if w.Code != 200 && m["error"] == nil && m["code"] == nil {
			t.Fatalf("%q -> %d without an error code: %s", body, w.Code, w.Body.String())
		}
	})
}
