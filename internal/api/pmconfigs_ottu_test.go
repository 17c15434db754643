package api_test

import (
	"encoding/json"
	"reflect"
	"testing"
)

// An Ottu client reads every answer of /b/pbl/v2/payment-methods/ as Ottu
// writes it: refusals of credentials and permissions as {"detail": …},
// bad input as {field: [message]}, never problem+json; and, like Ottu, it
// ignores fields it does not know.
func TestTheOttuPaymentMethodsRouteAnswersInOttusShapes(t *testing.T) {
	e := newEnv(t)
	e.config(t, `{"code":"knet","name":"KNET","connector":"sandbox","accepted_currencies":["KWD"]}`)
	_, noRead := e.newKey(e.key, `{"kind":"restricted","scopes":["refunds:write"]}`)
	const path = "/b/pbl/v2/payment-methods/"
	apiKey := func(k string) []string { return []string{"Authorization", "Api-Key " + k} }
	cases := []struct {
		name    string
		headers []string
		body    string
		status  int
		want    any
	}{
		{"without credentials", nil, `{"plugin":"e_commerce"}`, 401,
			map[string]any{"detail": "Authentication credentials were not provided."}},
		{"with an unknown key", apiKey("sk_test_not_a_real_key_000000000000"), `{"plugin":"e_commerce"}`, 401,
			map[string]any{"detail": "Invalid API key or username/password."}},
		{"with a key that may not read payments", apiKey(noRead), `{"plugin":"e_commerce"}`, 403,
			map[string]any{"detail": "You do not have permission to perform this action."}},
		{"with malformed JSON", apiKey(e.key), `{"plugin":`, 400,
			map[string]any{"non_field_errors": []any{"JSON parse error."}}},
		{"with a JSON array", apiKey(e.key), `[]`, 400,
			map[string]any{"non_field_errors": []any{"JSON parse error."}}},
		{"with a field of the wrong type", apiKey(e.key), `{"plugin":5}`, 400,
			map[string]any{"plugin": []any{"Incorrect type."}}},
		{"with an unknown operation", apiKey(e.key), `{"plugin":"e_commerce","operation":"sell"}`, 400,
			map[string]any{"operation": []any{"operation must be purchase or authorize"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", path, "", tc.body, tc.headers...)
			var got any
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatalf("%d %s: not JSON", r.status, r.body)
			}
			if r.status != tc.status || r.header.Get("Content-Type") != "application/json" || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("%d %s %s, want %d %v", r.status, r.header.Get("Content-Type"), r.body, tc.status, tc.want)
			}
		})
	}
	t.Run("without credentials the challenge header stays", func(t *testing.T) {
		if r := e.do("POST", path, "", `{"plugin":"e_commerce"}`); r.header.Get("WWW-Authenticate") == "" {
			t.Fatal("no WWW-Authenticate on a 401")
		}
	})
	t.Run("unknown fields are ignored", func(t *testing.T) {
		r := e.do("POST", path, "", `{"plugin":"e_commerce","currencies":["KWD"],"pg_codes":["knet"],"future_field":{"x":1}}`, apiKey(e.key)...)
		if r.status != 200 || codes(t, r, "payment_methods") != "knet" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("the native route still refuses unknown fields as problem+json", func(t *testing.T) {
		wantProblem(t, e.do("POST", "/v1/payment-methods", e.key, `{"plugin":"e_commerce","future_field":1}`), 400, "unknown_field", "")
	})
}
