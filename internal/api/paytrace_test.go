package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/connector/paytrace/paytracefake"
)

// A merchant configures its PayTrace account and takes payments through
// it: the gateway speaks PayTrace's wire protocol to a faithful fake,
// renews the OAuth token when PayTrace drops it, and sends follow-ups to
// the account that authorized.
func TestPaymentsThroughAPayTraceConfiguration(t *testing.T) {
	pt := paytracefake.New()
	t.Cleanup(pt.Close)
	e := newEnv(t)
	creds, _ := json.Marshal(map[string]string{"username": paytracefake.Username, "password": paytracefake.Password,
		"integrator_id": paytracefake.IntegratorID, "base_url": pt.URL})
	cfg := e.config(t, `{"code":"paytrace-us","name":"PayTrace","connector":"paytrace","accepted_currencies":["USD"],"operations":["capture","void","refund"],
		"credentials":`+string(creds)+`}`)
	if cfg["has_credentials"] != true || strings.Contains(string(e.do("GET", "/v1/payment-method-configs/"+cfg["id"].(string), e.key, "").body), paytracefake.Password) {
		t.Fatalf("config: %v", cfg)
	}
	pay := func(number string, capture string) map[string]any {
		t.Helper()
		r := e.do("POST", "/v1/payments", e.key, `{"amount":2500,"currency":"USD","capture":"`+capture+`","pg_code":"paytrace-us",
			"payment_method":{"type":"card","card":{"number":"`+number+`","exp_month":12,"exp_year":2031,"cvc":"999","holder":"Pat Trace"}}}`)
		if r.status != 201 && r.status != 402 {
			t.Fatalf("payment: %d %s", r.status, r.body)
		}
		return r.json(t)
	}
	sale := pay("4111111111111111", "automatic")
	if sale["status"] != "captured" || sale["processor"] != "paytrace" || sale["pg_code"] != "paytrace-us" || sale["processor_reference"] == nil {
		t.Fatalf("sale: %v", sale)
	}
	if pt.Count("/v1/transactions/sale/keyed") != 1 || pt.Grants() != 1 {
		t.Fatalf("PayTrace saw %d sales, %d grants", pt.Count("/v1/transactions/sale/keyed"), pt.Grants())
	}
	if r := e.do("POST", "/v1/payments/"+sale["id"].(string)+"/refunds", e.key, `{"amount":1000}`); r.status != 201 {
		t.Fatalf("refund: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("POST", "/v1/payments/"+sale["id"].(string)+"/refunds", e.key, `{"amount":1501}`), 400, "amount_too_large", "amount")
	// PayTrace refunds a transaction once; a card sale has no PayTrace
	// customer to credit the rest to, so a second refund is declined,
	// nothing is sent and nothing changes.
	wantProblem(t, e.do("POST", "/v1/payments/"+sale["id"].(string)+"/refunds", e.key, `{"amount":500}`), 402, "refund_unsupported", "")
	if got := e.do("GET", "/v1/payments/"+sale["id"].(string), e.key, "").json(t); got["amount_refunded"] != 1000.0 || got["amount_refundable"] != 1500.0 || got["status"] != "partially_refunded" {
		t.Fatalf("after refunds: %v", got)
	}
	if n, m := pt.Count("/v1/transactions/refund/for_transaction"), pt.Count("/v1/transactions/refund/to_customer"); n != 1 || m != 0 {
		t.Fatalf("PayTrace got %d for_transaction and %d to_customer refunds", n, m)
	}

	// PayTrace drops the token: one new grant, and the payment goes through.
	pt.ExpireTokens()
	auth := pay("5454545454545454", "manual")
	if auth["status"] != "authorized" || pt.Grants() != 2 {
		t.Fatalf("authorization after invalid_token: %v (grants %d)", auth, pt.Grants())
	}
	if r := e.do("POST", "/v1/payments/"+auth["id"].(string)+"/capture", e.key, `{"amount":2000}`); r.status != 200 || r.json(t)["amount_captured"] != 2000.0 {
		t.Fatalf("capture: %d %s", r.status, r.body)
	}

	declined := pay("4000000000009995", "automatic")
	if declined["status"] != "failed" || declined["failure_code"] != "insufficient_funds" {
		t.Fatalf("decline: %v", declined)
	}
	for _, req := range pt.Requests() {
		if req.Body["integrator_id"] != paytracefake.IntegratorID && strings.HasPrefix(req.Path, "/v1/") {
			t.Errorf("%s went without integrator_id", req.Path)
		}
	}
	if logs := e.logs.String(); strings.Contains(logs, "4111111111111111") || strings.Contains(logs, paytracefake.Password) {
		t.Fatal("the logs hold a card number or the PayTrace password")
	}
	m := string(e.do("GET", "/metrics", "", "").body)
	if !strings.Contains(m, `paygate_connector_calls_total{config="paytrace-us",connector="paytrace",operation="authorize",outcome="approved"} 2`) ||
		!strings.Contains(m, `paygate_connector_calls_total{config="paytrace-us",connector="paytrace",operation="authorize",outcome="declined"} 1`) {
		t.Errorf("metrics:\n%s", grepLines(m, "paygate_connector_calls_total"))
	}
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// PayTrace cannot be reached (connection refused: certainly nothing was
// charged), so the payment fails over to the next configuration.
func TestAnUnreachableProcessorFailsOverToTheNextConfiguration(t *testing.T) {
	e := newEnv(t)
	creds, _ := json.Marshal(map[string]string{"username": "u", "password": "p", "integrator_id": "PGATE0000001", "base_url": "http://127.0.0.1:1"})
	e.config(t, `{"code":"paytrace-us","name":"PayTrace","connector":"paytrace","accepted_currencies":["USD"],"routing":{"priority":1},"credentials":`+string(creds)+`}`)
	e.config(t, `{"code":"backup","name":"Backup","connector":"sandbox","accepted_currencies":["USD"],"routing":{"priority":2}}`)
	r := e.do("POST", "/v1/payments", e.key, `{"amount":700,"currency":"USD","payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)
	p := r.json(t)
	if r.status != 201 || p["status"] != "captured" || p["pg_code"] != "backup" || p["processor"] != "sandbox" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	m := string(e.do("GET", "/metrics", "", "").body)
	if !strings.Contains(m, `paygate_connector_calls_total{config="paytrace-us",connector="paytrace",operation="authorize",outcome="unavailable"} 1`) {
		t.Errorf("metrics:\n%s", grepLines(m, "paygate_connector_calls_total"))
	}
}

// PayTrace takes the sale but its front answers 502 (a gateway that timed
// out waiting): the money may have moved, so the payment must not fail
// over to the next configuration and be charged twice. A status lookup at
// PayTrace finds the sale.
func TestAPayTrace502AfterTheSaleDoesNotChargeTwice(t *testing.T) {
	pt := paytracefake.New()
	t.Cleanup(pt.Close)
	for _, status := range []int{500, 502, 504} {
		t.Run("HTTP "+strconv.Itoa(status), func(t *testing.T) {
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/transactions/sale/keyed" {
					pt.Handler().ServeHTTP(w, r)
					return
				}
				pt.Handler().ServeHTTP(httptest.NewRecorder(), r) // PayTrace acts; its answer is lost
				w.WriteHeader(status)
				w.Write([]byte(`<html>Bad Gateway</html>`))
			}))
			t.Cleanup(front.Close)
			e := newEnv(t)
			creds, _ := json.Marshal(map[string]string{"username": paytracefake.Username, "password": paytracefake.Password,
				"integrator_id": paytracefake.IntegratorID, "base_url": front.URL})
			e.config(t, `{"code":"paytrace-us","name":"PayTrace","connector":"paytrace","accepted_currencies":["USD"],"routing":{"priority":1},"credentials":`+string(creds)+`}`)
			e.config(t, `{"code":"backup","name":"Backup","connector":"sandbox","accepted_currencies":["USD"],"routing":{"priority":2}}`)
			before := pt.Count("/v1/transactions/sale/keyed")
			r := e.do("POST", "/v1/payments", e.key, `{"amount":700,"currency":"USD","payment_method":{"type":"card","card":{"number":"4111111111111111","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)
			p := r.json(t)
			if p["pg_code"] != "paytrace-us" || p["processor"] != "paytrace" {
				t.Fatalf("the payment failed over after PayTrace may have charged: %d %s", r.status, r.body)
			}
			if p["status"] != "captured" {
				t.Fatalf("the status lookup did not find PayTrace's sale: %d %s", r.status, r.body)
			}
			if got := pt.Count("/v1/transactions/sale/keyed") - before; got != 1 {
				t.Fatalf("PayTrace saw %d sales", got)
			}
		})
	}
}

// With customer_per_payment a PayTrace payment is refunded in as many
// parts as the merchant needs (the first for the transaction, the rest as
// credits to the payment's PayTrace customer, as the Omnify integration
// does), never beyond what was captured.
func TestPayTraceRefundsRepeatWithACustomerPerPayment(t *testing.T) {
	pt := paytracefake.New()
	t.Cleanup(pt.Close)
	e := newEnv(t)
	creds, _ := json.Marshal(map[string]string{"username": paytracefake.Username, "password": paytracefake.Password,
		"integrator_id": paytracefake.IntegratorID, "base_url": pt.URL, "customer_per_payment": "true"})
	e.config(t, `{"code":"paytrace-us","name":"PayTrace","connector":"paytrace","accepted_currencies":["USD"],"operations":["capture","void","refund"],
		"credentials":`+string(creds)+`}`)
	r := e.do("POST", "/v1/payments", e.key, `{"amount":2500,"currency":"USD","pg_code":"paytrace-us",
		"payment_method":{"type":"card","card":{"number":"4111111111111111","exp_month":12,"exp_year":2031,"cvc":"999","holder":"Pat Trace"}}}`)
	sale := r.json(t)
	if r.status != 201 || sale["status"] != "captured" {
		t.Fatalf("sale: %d %s", r.status, r.body)
	}
	id := sale["id"].(string)
	for i, amount := range []string{"1000", "500", "700"} {
		if r := e.do("POST", "/v1/payments/"+id+"/refunds", e.key, `{"amount":`+amount+`}`); r.status != 201 {
			t.Fatalf("refund %d: %d %s", i, r.status, r.body)
		}
	}
	wantProblem(t, e.do("POST", "/v1/payments/"+id+"/refunds", e.key, `{"amount":301}`), 400, "amount_too_large", "amount")
	if r := e.do("POST", "/v1/payments/"+id+"/refunds", e.key, `{"amount":300}`); r.status != 201 {
		t.Fatalf("last refund: %d %s", r.status, r.body)
	}
	got := e.do("GET", "/v1/payments/"+id, e.key, "").json(t)
	if got["amount_refunded"] != 2500.0 || got["status"] != "refunded" {
		t.Fatalf("after refunds: %v", got)
	}
	if n, m := pt.Count("/v1/transactions/refund/for_transaction"), pt.Count("/v1/transactions/refund/to_customer"); n != 1 || m != 3 {
		t.Fatalf("PayTrace got %d for_transaction and %d to_customer refunds, want 1 and 3", n, m)
	}
	var refunded int64
	for _, tx := range pt.Transactions() {
		if tx.Type == "Refund" {
			refunded += tx.Amount
		}
	}
	if refunded != 2500 || pt.Count("/v1/transactions/sale/keyed") != 0 {
		t.Fatalf("PayTrace refunded %d cents (want 2500); keyed sales %d", refunded, pt.Count("/v1/transactions/sale/keyed"))
	}
	if logs := e.logs.String(); strings.Contains(logs, "4111111111111111") || strings.Contains(logs, `"999"`) {
		t.Fatal("the logs hold the card number or its CVC")
	}
}
