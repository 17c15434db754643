package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestFailoverBetweenSandboxConfigurations: the failover the routing docs
// promise can be seen with the sandbox alone. A configuration whose
// credentials simulate an outage sends every payment on to the next one,
// and a sandbox card whose processor is down moves on too (the built-in
// connector answers from memory, yet the payment still goes through the
// failover). Hard declines stay where they were.
func TestFailoverBetweenSandboxConfigurations(t *testing.T) {
	e := newEnv(t)
	usd1 := e.config(t, `{"code":"usd1","name":"USD 1","connector":"sandbox","accepted_currencies":["USD"],"routing":{"priority":1},
		"credentials":{"simulate_outage":"unavailable"}}`)
	e.config(t, `{"code":"usd2","name":"USD 2","connector":"sandbox","accepted_currencies":["USD"],"routing":{"priority":2}}`)
	r := e.do("POST", "/v1/payments", e.key, visaSale)
	p := r.json(t)
	if r.status != http.StatusCreated || p["status"] != "captured" || p["pg_code"] != "usd2" {
		t.Fatalf("a payment while usd1 is down: %d %s", r.status, r.body)
	}
	if md := e.authorization(t, p["id"].(string)); md["failed_over_from"] != "usd1:simulated_outage" {
		t.Fatalf("the failover is not in the payment's history: %v", md)
	}
	// Refunds go where the money is.
	if r := e.do("POST", "/v1/payments/"+p["id"].(string)+"/refunds", e.key, `{"amount":99}`); r.status != http.StatusCreated {
		t.Fatalf("refund after the failover: %d %s", r.status, r.body)
	}

	// With the outage over, usd1 (in memory) takes payments again; a card
	// whose processor is down there moves on to usd2 as well.
	if r := e.do("POST", "/v1/payment-method-configs/"+usd1["id"].(string), e.key, `{"credentials":{"simulate_outage":""}}`); r.status != http.StatusOK {
		t.Fatalf("ending the outage: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/v1/payments", e.key, strings.Replace(visaSale, "4242424242424242", "4000009900000038", 1))
	p = r.json(t)
	md := e.authorization(t, p["id"].(string))
	if r.status != http.StatusPaymentRequired || p["pg_code"] != "usd2" || md["failed_over_from"] == nil {
		t.Fatalf("a processor-down card at the in-memory sandbox did not fail over: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/v1/payments", e.key, strings.Replace(visaSale, "4242424242424242", "4000000000000002", 1))
	if p = r.json(t); r.status != http.StatusPaymentRequired || p["pg_code"] != "usd1" {
		t.Fatalf("a hard decline moved on: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("POST", "/v1/payment-method-configs", e.key, `{"code":"bad","name":"Bad","connector":"sandbox","credentials":{"simulate_outage":"sometimes"}}`),
		400, "credentials_invalid", "credentials.simulate_outage")
}

// authorization is the metadata of a payment's authorization, as its
// history shows it.
func (e *env) authorization(t *testing.T, id string) map[string]any {
	t.Helper()
	ops, _ := e.do("GET", "/v1/payments/"+id, e.key, "").json(t)["operations"].([]any)
	for _, op := range ops {
		if op := op.(map[string]any); op["type"] == "sale" || op["type"] == "authorization" {
			md, _ := op["metadata"].(map[string]any)
			return md
		}
	}
	t.Fatalf("payment %s has no authorization in its history: %v", id, ops)
	return nil
}
