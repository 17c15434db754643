package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestASaleAnswers201WithTheMaskedCardAndTheLedgerAgrees(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/v1/payments", e.key, visaSale)
	if r.status != 201 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	p := r.json(t)
	card := p["payment_method"].(map[string]any)["card"].(map[string]any)
	if p["status"] != "captured" || p["amount_captured"].(float64) != 1099 || p["currency"] != "USD" || card["last4"] != "4242" || card["first6"] != "424242" || card["brand"] != "visa" {
		t.Fatalf("sale: %s", r.body)
	}
	if strings.Contains(string(r.body), "4242424242424242") || strings.Contains(string(r.body), `"123"`) {
		t.Fatalf("answer leaks card data: %s", r.body)
	}
	g := e.do("GET", "/v1/payments/"+p["id"].(string), e.key, "")
	ops := g.json(t)["operations"].([]any)
	if g.status != 200 || len(ops) != 1 || ops[0].(map[string]any)["type"] != "sale" {
		t.Fatalf("lookup: %s", g.body)
	}
}

func TestADeclineAnswers402WithTheFailedPayment(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/v1/payments", e.key, saleBody(500, "4000000000009995", ""))
	p := r.json(t)
	if r.status != 402 || p["status"] != "failed" || p["failure_code"] != "insufficient_funds" || p["failure_message"] == nil {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

func TestAuthorizeCaptureVoidAndRefundLimits(t *testing.T) {
	e := newEnv(t)
	id := e.pay(saleBody(5000, "5555555555554444", "manual"), 201)
	over := e.do("POST", "/v1/payments/"+id+"/capture", e.key, `{"amount":6000}`)
	wantProblem(t, over, 400, "amount_too_large", "amount")
	// The message speaks money, as the payer and the front doors count it.
	if d := over.json(t)["detail"]; d != "capture amount EUR 60.00 exceeds the authorized EUR 50.00" {
		t.Fatalf("over-capture message: %v", d)
	}
	r := e.do("POST", "/v1/payments/"+id+"/capture", e.key, `{"amount":3000}`)
	if r.status != 200 || r.json(t)["amount_captured"].(float64) != 3000 {
		t.Fatalf("partial capture: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("POST", "/v1/payments/"+id+"/capture", e.key, ""), 409, "payment_not_capturable", "")
	for i := 0; i < 2; i++ {
		r = e.do("POST", "/v1/payments/"+id+"/refunds", e.key, `{"amount":1000,"reason":"requested_by_customer"}`)
		if r.status != 201 || r.json(t)["object"] != "refund" || r.json(t)["status"] != "succeeded" {
			t.Fatalf("refund %d: %d %s", i, r.status, r.body)
		}
	}
	over = e.do("POST", "/v1/payments/"+id+"/refunds", e.key, `{"amount":1001}`)
	wantProblem(t, over, 400, "amount_too_large", "amount")
	if d := over.json(t)["detail"]; d != "refund amount EUR 10.01 exceeds the EUR 10.00 that can still be refunded" {
		t.Fatalf("over-refund message: %v", d)
	}
	if r = e.do("POST", "/v1/payments/"+id+"/refunds", e.key, ""); r.status != 201 || r.json(t)["amount"].(float64) != 1000 {
		t.Fatalf("refund the rest: %d %s", r.status, r.body)
	}
	if p := e.do("GET", "/v1/payments/"+id, e.key, "").json(t); p["status"] != "refunded" || p["amount_refunded"].(float64) != 3000 {
		t.Fatalf("after refunds: %v", p)
	}
	v := e.pay(saleBody(700, "4242424242424242", "manual"), 201)
	if r = e.do("POST", "/v1/payments/"+v+"/void", e.key, `{}`); r.status != 200 || r.json(t)["status"] != "voided" {
		t.Fatalf("void: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("POST", "/v1/payments/"+v+"/void", e.key, ""), 409, "payment_not_voidable", "")
	b := e.do("GET", "/v1/balance", e.key, "").json(t)
	if fmt.Sprint(b["available"]) != "[map[amount:0 currency:EUR]]" || fmt.Sprint(b["held"]) != "[map[amount:0 currency:EUR]]" {
		t.Fatalf("balance: %v", b)
	}
}

func TestOtherMerchantsAndTheOtherModeSeeNotFoundOnEveryRoute(t *testing.T) {
	e := newEnv(t)
	id := e.pay(saleBody(1000, "4242424242424242", "manual"), 201)
	routes := []struct{ method, path, body string }{
		{"GET", "/v1/payments/" + id, ""},
		{"POST", "/v1/payments/" + id + "/capture", "{}"},
		{"POST", "/v1/payments/" + id + "/void", "{}"},
		{"POST", "/v1/payments/" + id + "/refunds", "{}"},
	}
	for _, key := range []string{e.other, e.live} {
		for _, rt := range routes {
			wantProblem(t, e.do(rt.method, rt.path, key, rt.body), 404, "resource_missing", "")
		}
		if l := e.do("GET", "/v1/payments", key, "").json(t); len(l["data"].([]any)) != 0 {
			t.Fatalf("list shows another merchant's or mode's payments: %v", l)
		}
	}
	if p := e.do("GET", "/v1/payments/"+id, e.key, "").json(t); p["status"] != "authorized" {
		t.Fatalf("the owner's payment changed: %v", p)
	}
}

func TestMissingUnknownAndRevokedKeysAre401(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/v1/balance", "", "")
	wantProblem(t, r, 401, "missing_credentials", "")
	if r.header.Get("WWW-Authenticate") == "" {
		t.Fatal("no WWW-Authenticate header")
	}
	wantProblem(t, e.do("GET", "/v1/balance", "sk_test_notakeyatallnotakeyatall", ""), 401, "invalid_api_key", "")
	if r := e.do("GET", "/v1/balance", e.key, ""); r.status != 200 {
		t.Fatalf("valid key: %d", r.status)
	}
	if err := e.engine.RevokeAPIKey(t.Context(), e.mid, e.keyID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for e.do("GET", "/v1/balance", e.key, "").status != 401 {
		if time.Now().After(deadline) {
			t.Fatal("revoked key still accepted after 2 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestBadInputIsA400NamingWhatIsWrongAndRecordsNothing(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, body, ct string
		status         int
		code, param    string
	}{
		{"unknown field", `{"amount":1,"currency":"USD","colour":"red","payment_method":{"type":"card","card":{}}}`, "", 400, "unknown_field", "colour"},
		{"unknown nested field", `{"amount":1,"currency":"USD","payment_method":{"type":"card","card":{"number":"4242424242424242","Bogus":1}}}`, "", 400, "unknown_field", "payment_method.card.Bogus"},
		{"wrong type", `{"amount":"10","currency":"USD"}`, "", 400, "invalid_type", "amount"},
		{"wrong nested type", `{"amount":10,"currency":"USD","payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":"12"}}}`, "", 400, "invalid_type", "payment_method.card.exp_month"},
		{"malformed", `{"amount":10,`, "", 400, "invalid_json", ""},
		{"trailing data", visaSale + `{}`, "", 400, "invalid_json", ""},
		{"null body", `null`, "", 400, "invalid_json", ""},
		{"missing amount", `{"currency":"USD","payment_method":{"type":"card","card":{}}}`, "", 400, "parameter_missing", "amount"},
		{"bad currency", strings.Replace(visaSale, `"USD"`, `"USDD"`, 1), "", 400, "currency_invalid", "currency"},
		{"too precise is not a thing: negative amount", strings.Replace(visaSale, "1099", "-5", 1), "", 400, "amount_invalid", "amount"},
		{"luhn", strings.Replace(visaSale, "4242424242424242", "4242424242424241", 1), "", 400, "incorrect_number", "payment_method.card.number"},
		{"wrong method type", strings.Replace(visaSale, `"type":"card"`, `"type":"cash"`, 1), "", 400, "parameter_invalid", "payment_method.type"},
		{"oversized", `{"description":"` + strings.Repeat("x", 70000) + `"}`, "", 400, "body_too_large", ""},
		{"wrong content type", visaSale, "text/plain", 400, "unsupported_media_type", "Content-Type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hs := []string{}
			if c.ct != "" {
				hs = []string{"Content-Type", ""}
			}
			r := e.do("POST", "/v1/payments", e.key, c.body, hs...)
			if c.ct != "" {
				req, _ := http.NewRequest("POST", e.srv.URL+"/v1/payments", strings.NewReader(c.body))
				req.Header.Set("Authorization", "Bearer "+e.key)
				req.Header.Set("Content-Type", c.ct)
				hr, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer hr.Body.Close()
				r.status, r.header = hr.StatusCode, hr.Header
				r.body = readAll(hr)
			}
			wantProblem(t, r, c.status, c.code, c.param)
		})
	}
	if l := e.do("GET", "/v1/payments", e.key, "").json(t); len(l["data"].([]any)) != 0 {
		t.Fatalf("bad requests created payments: %v", l["data"])
	}
}

func TestIdempotentRetriesReplayTheFirstAnswer(t *testing.T) {
	e := newEnv(t)
	first := e.do("POST", "/v1/payments", e.key, visaSale, "Idempotency-Key", "order-1")
	// Same JSON, keys reordered and spaced: still the same request.
	reordered := `{ "currency":"USD", "payment_method":{"card":{"holder":"Jane Doe","cvc":"123","exp_year":2030,"exp_month":12,"number":"4242424242424242"},"type":"card"}, "reference":"order-1", "amount":1099 }`
	again := e.do("POST", "/v1/payments", e.key, reordered, "Idempotency-Key", "order-1")
	if first.status != 201 || again.status != 201 || string(first.body) != string(again.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s / %d %s", first.status, first.body, again.status, again.body)
	}
	// The CVC is not part of the request's identity (it is never hashed or stored).
	if r := e.do("POST", "/v1/payments", e.key, strings.Replace(visaSale, `"123"`, `"999"`, 1), "Idempotency-Key", "order-1"); r.status != 201 || string(r.body) != string(first.body) {
		t.Fatalf("same request with another CVC: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("POST", "/v1/payments", e.key, strings.Replace(visaSale, "4242424242424242", "5555555555554444", 1), "Idempotency-Key", "order-1"), 422, "idempotency_key_reused", "Idempotency-Key")
	other := strings.Replace(visaSale, "1099", "2000", 1)
	wantProblem(t, e.do("POST", "/v1/payments", e.key, other, "Idempotency-Key", "order-1"), 422, "idempotency_key_reused", "Idempotency-Key")
	// Another merchant with the same key gets its own payment.
	if r := e.do("POST", "/v1/payments", e.other, visaSale, "Idempotency-Key", "order-1"); r.status != 201 || string(r.body) == string(first.body) {
		t.Fatalf("other merchant, same key: %d %s", r.status, r.body)
	}
	// A decline is frozen too.
	d1 := e.do("POST", "/v1/payments", e.key, saleBody(100, "4000000000000002", ""), "Idempotency-Key", "decline-1")
	d2 := e.do("POST", "/v1/payments", e.key, saleBody(100, "4000000000000002", ""), "Idempotency-Key", "decline-1")
	if d1.status != 402 || string(d1.body) != string(d2.body) {
		t.Fatalf("decline replay: %d / %d", d1.status, d2.status)
	}
	// A validation failure does not bind the key.
	bad := strings.Replace(visaSale, `"USD"`, `"usdd"`, 1)
	wantProblem(t, e.do("POST", "/v1/payments", e.key, bad, "Idempotency-Key", "fixme"), 400, "currency_invalid", "currency")
	if r := e.do("POST", "/v1/payments", e.key, visaSale, "Idempotency-Key", "fixme"); r.status != 201 {
		t.Fatalf("corrected retry: %d %s", r.status, r.body)
	}
	// Malformed keys.
	wantProblem(t, e.do("POST", "/v1/payments", e.key, visaSale, "Idempotency-Key", strings.Repeat("k", 256)), 400, "parameter_invalid", "Idempotency-Key")
	wantProblem(t, e.do("POST", "/v1/payments", e.key, visaSale, "Idempotency-Key", "a", "Idempotency-Key", "b"), 400, "parameter_invalid", "Idempotency-Key")
	if r := e.do("POST", "/v1/payments", e.key, visaSale, "Idempotency-Key", strings.Repeat("k", 255)); r.status != 201 {
		t.Fatalf("255-character key: %d", r.status)
	}
}

func TestFiftyConcurrentIdenticalRequestsCreateOnePayment(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	bodies := map[string]int{}
	statuses := map[int]int{}
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.do("POST", "/v1/payments", e.key, visaSale, "Idempotency-Key", "same")
			mu.Lock()
			defer mu.Unlock()
			statuses[r.status]++
			if r.status == 201 {
				bodies[string(r.body)]++
			}
		}()
	}
	wg.Wait()
	l := e.do("GET", "/v1/payments", e.key, "").json(t)
	if len(l["data"].([]any)) != 1 || len(bodies) != 1 || statuses[201]+statuses[409] != 50 {
		t.Fatalf("payments %d, distinct 201 bodies %d, statuses %v", len(l["data"].([]any)), len(bodies), statuses)
	}
}

func TestListFiltersAndPaginates(t *testing.T) {
	e := newEnv(t)
	start := time.Now().Add(-time.Second)
	for i := 0; i < 25; i++ {
		body := strings.Replace(visaSale, `"order-1"`, fmt.Sprintf(`"order-%d"`, i%5), 1)
		e.pay(body, 201)
	}
	e.pay(saleBody(100, "4000000000000002", ""), 402)
	seen := map[string]bool{}
	cursor := ""
	pages := 0
	for {
		path := "/v1/payments?limit=10&status=captured"
		if cursor != "" {
			path += "&starting_after=" + cursor
		}
		l := e.do("GET", path, e.key, "").json(t)
		for _, p := range l["data"].([]any) {
			id := p.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("page repeats %s", id)
			}
			seen[id] = true
		}
		pages++
		if l["has_more"] != true {
			break
		}
		cursor = l["next_cursor"].(string)
	}
	if len(seen) != 25 || pages != 3 {
		t.Fatalf("%d payments over %d pages", len(seen), pages)
	}
	if l := e.do("GET", "/v1/payments?reference=order-3", e.key, "").json(t); len(l["data"].([]any)) != 5 {
		t.Fatalf("reference filter: %d", len(l["data"].([]any)))
	}
	if l := e.do("GET", "/v1/payments?status=failed", e.key, "").json(t); len(l["data"].([]any)) != 1 {
		t.Fatalf("status filter: %d", len(l["data"].([]any)))
	}
	gte := start.UTC().Format(time.RFC3339)
	if l := e.do("GET", "/v1/payments?limit=100&created[gte]="+gte, e.key, "").json(t); len(l["data"].([]any)) != 26 {
		t.Fatalf("created[gte]: %d", len(l["data"].([]any)))
	}
	if l := e.do("GET", fmt.Sprintf("/v1/payments?created[lt]=%d", start.Unix()), e.key, "").json(t); len(l["data"].([]any)) != 0 {
		t.Fatalf("created[lt]: %d", len(l["data"].([]any)))
	}
	for _, bad := range []string{"500", "0", "-1", "ten"} {
		wantProblem(t, e.do("GET", "/v1/payments?limit="+bad, e.key, ""), 400, "parameter_invalid", "limit")
	}
	wantProblem(t, e.do("GET", "/v1/payments?created[gte]=yesterday", e.key, ""), 400, "parameter_invalid", "created[gte]")
	wantProblem(t, e.do("GET", "/v1/payments?status=paid", e.key, ""), 400, "parameter_invalid", "status")
}

func TestRequestIDsLogsAndOperationalEndpoints(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/v1/payments", e.key, visaSale, "X-Request-Id", "trace-abc.1")
	if r.header.Get("X-Request-Id") != "trace-abc.1" {
		t.Fatalf("request id not echoed: %q", r.header.Get("X-Request-Id"))
	}
	if r2 := e.do("GET", "/v1/balance", e.key, "", "X-Request-Id", "bad id!"); !strings.HasPrefix(r2.header.Get("X-Request-Id"), "req_") {
		t.Fatalf("invalid request id kept: %q", r2.header.Get("X-Request-Id"))
	}
	e.do("POST", "/v1/payments", e.key, strings.Replace(visaSale, `"exp_year":2030`, `"exp_year":2019`, 1))
	logs := e.logs.String()
	if !strings.Contains(logs, `"request_id":"trace-abc.1"`) {
		t.Fatalf("logs lack the request id:\n%s", logs)
	}
	for _, secret := range []string{"4242424242424242", `"123"`, "cvc\":\"123"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("logs contain %q:\n%s", secret, logs)
		}
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/openapi.json": 200} {
		if got := e.do("GET", path, "", ""); got.status != want {
			t.Errorf("%s: %d", path, got.status)
		}
	}
	if m := e.do("GET", "/metrics", "", ""); !strings.Contains(string(m.body), `paygate_payments_total{status="captured"}`) || !strings.Contains(string(m.body), "paygate_http_request_duration_seconds") {
		t.Fatalf("metrics lack payments or latencies:\n%s", m.body)
	}
	wantProblem(t, e.do("GET", "/v1/nothing", e.key, ""), 404, "route_not_found", "")
	wantProblem(t, e.do("DELETE", "/v1/payments", e.key, ""), 405, "method_not_allowed", "")
}
