package api_test

import (
	"net/http/httptest"
	"testing"

	"github.com/paygate/paygate/internal/connector/stripe/stripefake"
)

// A Stripe configuration takes a payment, a partial capture and a refund
// through the Stripe connector (PaymentIntents), and a test key cannot
// make a production configuration.
func TestPaymentsThroughAStripeConfiguration(t *testing.T) {
	const key = "sk_test_51PaygateFakeKey"
	fake := stripefake.New(key)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	e := newEnv(t)
	wantProblem(t, e.do("POST", "/v1/payment-method-configs", e.key, `{"code":"stripe","name":"Stripe","connector":"stripe","credentials":{"secret_key":"sk_live_nope"}}`),
		400, "credentials_invalid", "credentials.secret_key")
	e.config(t, `{"code":"stripe","name":"Stripe","connector":"stripe","accepted_currencies":["EUR","USD"],
		"credentials":{"secret_key":"`+key+`","base_url":"`+srv.URL+`"}}`)
	r := e.do("POST", "/v1/payments", e.key, `{"amount":4000,"currency":"EUR","capture":"manual","pg_code":"stripe",
		"payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)
	p := r.json(t)
	if r.status != 201 || p["status"] != "authorized" || p["processor"] != "stripe" {
		t.Fatalf("authorize: %d %s", r.status, r.body)
	}
	ref, _ := p["processor_reference"].(string)
	if status, capturable, _, ok := fake.Intent(ref); !ok || status != "requires_capture" || capturable != 4000 {
		t.Fatalf("Stripe's PaymentIntent %q: %s %d %v", ref, status, capturable, ok)
	}
	if r := e.do("POST", "/v1/payments/"+p["id"].(string)+"/capture", e.key, `{"amount":3000}`); r.status != 200 {
		t.Fatalf("capture: %d %s", r.status, r.body)
	}
	if _, _, received, _ := fake.Intent(ref); received != 3000 {
		t.Fatalf("Stripe received %d", received)
	}
	if r := e.do("POST", "/v1/payments/"+p["id"].(string)+"/refunds", e.key, `{"amount":1000}`); r.status != 201 {
		t.Fatalf("refund: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/v1/payments", e.key, `{"amount":4000,"currency":"EUR","pg_code":"stripe",
		"payment_method":{"type":"card","card":{"number":"4000000000009995","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)
	if d := r.json(t); d["status"] != "failed" || d["failure_code"] != "insufficient_funds" {
		t.Fatalf("decline: %d %s", r.status, r.body)
	}
}
