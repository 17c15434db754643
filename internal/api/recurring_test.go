package api_test

import (
	"fmt"
	"testing"
	"time"
)

func initialPayment(customer, number string) string {
	return fmt.Sprintf(`{"amount":1000,"currency":"EUR","customer":%q,"recurring":{"type":"initial"},"payment_method":{"type":"card","card":%s}}`,
		customer, cardJSON(number, "123"))
}

func (e *env) charge(t *testing.T) int {
	t.Helper()
	n, err := e.engine.ChargeDueSubscriptions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecurringInitialAndRepeatedPayments(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/v1/customers", e.key, `{"reference":"sub-1"}`)
	first := e.do("POST", "/v1/payments", e.key, initialPayment("sub-1", "4242424242424242")).json(t)
	mdt, _ := first["mandate"].(string)
	if first["status"] != "captured" || len(mdt) < 5 || mdt[:4] != "mdt_" || pmOf(t, first) == nil {
		t.Fatalf("initial payment: %v", first)
	}
	rep := e.do("POST", "/v1/payments", e.key, `{"amount":500,"currency":"EUR","recurring":{"type":"repeated","mandate":"`+mdt+`"}}`)
	r := rep.json(t)
	if rep.status != 201 || r["status"] != "captured" || r["initiator"] != "merchant" || r["mandate"] != mdt || pmOf(t, r) != pmOf(t, first) {
		t.Fatalf("repeated payment: %d %s", rep.status, rep.body)
	}
	// It names the mandate's customer, so it lists under them (and a
	// payment of someone else does not).
	e.pay(saleBody(300, "4242424242424242", "automatic"), 201)
	if r["customer"] != "sub-1" {
		t.Fatalf("the repeated payment names customer %v, want sub-1", r["customer"])
	}
	if l := e.do("GET", "/v1/payments?customer=sub-1", e.key, "").json(t)["data"].([]any); len(l) != 2 {
		t.Fatalf("%d payments list under sub-1, want the initial and the repeated one", len(l))
	}
	// The customer's id finds them too (a subscription names its customer by id).
	var cusID string
	for _, c := range e.do("GET", "/v1/customers", e.key, "").json(t)["data"].([]any) {
		if c := c.(map[string]any); c["reference"] == "sub-1" {
			cusID = c["id"].(string)
		}
	}
	if l := e.do("GET", "/v1/payments?customer="+cusID, e.key, "").json(t)["data"].([]any); cusID == "" || len(l) != 2 {
		t.Fatalf("%d payments list under %q, want 2", len(l), cusID)
	}
	e.do("POST", "/v1/customers", e.key, `{"reference":"someone-else"}`)
	wantProblem(t, e.do("POST", "/v1/payments", e.key, `{"amount":500,"currency":"EUR","customer":"someone-else","recurring":{"type":"repeated","mandate":"`+mdt+`"}}`),
		400, "mandate_customer_mismatch", "customer")
	if d := e.do("POST", "/v1/payments", e.key, initialPayment("sub-1", "4000000000009995")).json(t); d["status"] != "failed" || d["mandate"] != nil {
		t.Fatalf("a declined initial payment stored a mandate: %v", d)
	}
	wantProblem(t, e.do("POST", "/v1/payments", e.key, `{"amount":500,"currency":"EUR","recurring":{"type":"repeated","mandate":"mdt_nope"}}`), 400, "resource_missing", "recurring.mandate")
	wantProblem(t, e.do("POST", "/v1/payments", e.key, `{"amount":500,"currency":"EUR","recurring":{"type":"initial"},"payment_method":{"type":"card","card":`+cardJSON("4242424242424242", "123")+`}}`), 400, "parameter_missing", "customer")
	wantProblem(t, e.do("POST", "/v1/payments", e.other, `{"amount":500,"currency":"EUR","recurring":{"type":"repeated","mandate":"`+mdt+`"}}`), 400, "resource_missing", "recurring.mandate")
}

func TestScheduleChargesEachCycleOnceAndCompletes(t *testing.T) {
	clk := newClock()
	e := newEnvWith(t, quietLimits, clk.now)
	e.do("POST", "/v1/customers", e.key, `{"reference":"sub-2"}`)
	mdt := e.do("POST", "/v1/payments", e.key, initialPayment("sub-2", "4242424242424242")).json(t)["mandate"].(string)
	created := e.do("POST", "/v1/subscriptions", e.key, `{"mandate":"`+mdt+`","amount":900,"currency":"EUR","interval":"month","cycles":3,"description":"Plan"}`)
	sub := created.json(t)
	if created.status != 201 || sub["status"] != "active" || sub["cycles_paid"].(float64) != 0 {
		t.Fatalf("subscription: %d %s", created.status, created.body)
	}
	id := sub["id"].(string)
	get := func() map[string]any { return e.do("GET", "/v1/subscriptions/"+id, e.key, "").json(t) }
	for cycle := 1; cycle <= 3; cycle++ {
		if n := e.charge(t); n != 1 {
			t.Fatalf("cycle %d: %d charged", cycle, n)
		}
		if n := e.charge(t); n != 0 {
			t.Fatalf("cycle %d charged twice", cycle)
		}
		s := get()
		if s["cycles_paid"].(float64) != float64(cycle) {
			t.Fatalf("after cycle %d: %v", cycle, s)
		}
		clk.advance(32 * 24 * time.Hour)
	}
	if s := get(); s["status"] != "completed" || e.charge(t) != 0 {
		t.Fatalf("after the last cycle: %v", s)
	}
	pays := e.do("GET", "/v1/payments?limit=100", e.key, "").json(t)["data"].([]any)
	cycles := 0
	for _, p := range pays {
		if md := p.(map[string]any)["metadata"].(map[string]any); md["subscription"] == id {
			cycles++
			if p.(map[string]any)["amount"].(float64) != 900 || p.(map[string]any)["initiator"] != "merchant" || p.(map[string]any)["customer"] != "sub-2" {
				t.Fatalf("cycle payment %v", p)
			}
		}
	}
	if cycles != 3 {
		t.Fatalf("%d cycle payments, want 3", cycles)
	}
	types := map[string]int{}
	for _, ev := range e.do("GET", "/v1/events?limit=100", e.key, "").json(t)["data"].([]any) {
		types[ev.(map[string]any)["type"].(string)]++
	}
	if types["subscription.cycle_paid"] != 3 || types["subscription.completed"] != 1 {
		t.Fatalf("events %v", types)
	}
}

func TestSoftDeclinesRetryOverAWeekThenPastDue(t *testing.T) {
	clk := newClock()
	e := newEnvWith(t, quietLimits, clk.now)
	e.do("POST", "/v1/customers", e.key, `{"reference":"sub-3"}`)
	// This test card approves the payer's own payments and declines merchant-initiated ones.
	mdt := e.do("POST", "/v1/payments", e.key, initialPayment("sub-3", "4000009900000061")).json(t)["mandate"].(string)
	id := e.do("POST", "/v1/subscriptions", e.key, `{"mandate":"`+mdt+`","amount":900,"currency":"EUR","interval":"week"}`).json(t)["id"].(string)
	get := func() map[string]any { return e.do("GET", "/v1/subscriptions/"+id, e.key, "").json(t) }
	// Retries fall 1, 3 and 7 days after the first decline: 1, 2 and 4 days apart.
	for i, wait := range []time.Duration{24 * time.Hour, 2 * 24 * time.Hour, 4 * 24 * time.Hour} {
		e.charge(t)
		s := get()
		if s["status"] != "active" || s["failed_attempts"].(float64) != float64(i+1) {
			t.Fatalf("after soft decline %d: %v", i+1, s)
		}
		clk.advance(wait - time.Minute)
		if e.charge(t) != 0 {
			t.Fatalf("retry %d came before its delay", i+1)
		}
		clk.advance(time.Minute)
	}
	e.charge(t)
	if s := get(); s["status"] != "past_due" || s["next_charge_at"] != nil {
		t.Fatalf("after four declines: %v", s)
	}
	clk.advance(30 * 24 * time.Hour)
	if e.charge(t) != 0 {
		t.Fatal("a past-due schedule was charged")
	}
	// Pause only works on an active schedule; resume charges once at once; cancel ends it.
	wantProblem(t, e.do("POST", "/v1/subscriptions/"+id+"/pause", e.key, ""), 409, "subscription_invalid_state", "")
	if s := e.do("POST", "/v1/subscriptions/"+id+"/resume", e.key, "").json(t); s["status"] != "active" || s["failed_attempts"].(float64) != 0 {
		t.Fatalf("resume: %v", s)
	}
	if e.charge(t) != 1 {
		t.Fatal("a resumed schedule was not charged at once")
	}
	if s := e.do("POST", "/v1/subscriptions/"+id+"/cancel", e.key, "").json(t); s["status"] != "canceled" {
		t.Fatalf("cancel: %v", s)
	}
	clk.advance(30 * 24 * time.Hour)
	if e.charge(t) != 0 {
		t.Fatal("a canceled schedule was charged")
	}
	types := map[string]int{}
	for _, ev := range e.do("GET", "/v1/events?limit=100", e.key, "").json(t)["data"].([]any) {
		types[ev.(map[string]any)["type"].(string)]++
	}
	if types["subscription.cycle_failed"] != 5 || types["subscription.past_due"] != 1 {
		t.Fatalf("events %v", types)
	}
}

func TestCustomRetryDelaysCountFromTheFirstDecline(t *testing.T) {
	clk := newClock()
	e := newEnvWith(t, quietLimits, clk.now)
	e.do("POST", "/v1/customers", e.key, `{"reference":"sub-4"}`)
	mdt := e.do("POST", "/v1/payments", e.key, initialPayment("sub-4", "4000009900000061")).json(t)["mandate"].(string)
	body := func(delays string) string {
		return `{"mandate":"` + mdt + `","amount":900,"currency":"EUR","interval":"month","retry_delays":` + delays + `}`
	}
	wantProblem(t, e.do("POST", "/v1/subscriptions", e.key, body(`[7200, 3600]`)), 400, "parameter_invalid", "retry_delays")
	wantProblem(t, e.do("POST", "/v1/subscriptions", e.key, body(`[30]`)), 400, "parameter_invalid", "retry_delays")
	wantProblem(t, e.do("POST", "/v1/subscriptions", e.key, body(`[60,120,180,240,300,360,420,480,540,600,660]`)), 400, "parameter_invalid", "retry_delays")
	created := e.do("POST", "/v1/subscriptions", e.key, body(`[3600, 10800]`))
	sub := created.json(t)
	if created.status != 201 || fmt.Sprint(sub["retry_delays"]) != "[3600 10800]" {
		t.Fatalf("subscription: %d %s", created.status, created.body)
	}
	id := sub["id"].(string)
	get := func() map[string]any { return e.do("GET", "/v1/subscriptions/"+id, e.key, "").json(t) }
	first := clk.now()
	next := func() time.Time {
		t.Helper()
		s := get()
		at, err := time.Parse(time.RFC3339, fmt.Sprint(s["next_charge_at"]))
		if err != nil {
			t.Fatalf("next_charge_at of %v: %v", s, err)
		}
		return at
	}
	e.charge(t)
	if d := next().Sub(first); d < 59*time.Minute || d > time.Hour {
		t.Fatalf("first retry %s after the first decline, want 1h", d)
	}
	clk.advance(90 * time.Minute) // the scheduler was half an hour late
	e.charge(t)
	if d := next().Sub(first); d < 179*time.Minute || d > 3*time.Hour {
		t.Fatalf("second retry %s after the first decline, want 3h (not 3h after the late retry)", d)
	}
	clk.advance(90 * time.Minute)
	e.charge(t)
	if s := get(); s["status"] != "past_due" || s["failed_attempts"].(float64) != 3 {
		t.Fatalf("after three declines with two retries: %v", s)
	}
}

func TestSubscriptionAnswersValidateAgainstTheDocumentedSchemas(t *testing.T) {
	o := loadOpenAPI(t)
	e := newEnv(t)
	e.do("POST", "/v1/customers", e.key, `{"reference":"v"}`)
	first := e.do("POST", "/v1/payments", e.key, initialPayment("v", "4242424242424242"))
	o.validate(t, "#/components/schemas/Payment", first.body)
	created := e.do("POST", "/v1/subscriptions", e.key, `{"mandate":"`+first.json(t)["mandate"].(string)+`","amount":900,"currency":"EUR","interval":"month","cycles":2}`)
	o.validate(t, "#/components/schemas/Subscription", created.body)
	e.charge(t)
	o.validate(t, "#/components/schemas/SubscriptionList", e.do("GET", "/v1/subscriptions", e.key, "").body)
}

func TestInvoiceAnswersValidateAgainstTheDocumentedSchemas(t *testing.T) {
	o := loadOpenAPI(t)
	e := newEnv(t)
	created := e.do("POST", "/v1/invoices", e.key, `{"customer_email":"a@b.test","currency":"EUR","due_date":"2030-01-01","line_items":[{"description":"X","quantity":1,"unit_amount":100}]}`)
	o.validate(t, "#/components/schemas/Invoice", created.body)
	o.validate(t, "#/components/schemas/Invoice", e.do("GET", "/v1/invoices/"+created.json(t)["id"].(string), e.key, "").body)
	o.validate(t, "#/components/schemas/InvoiceList", e.do("GET", "/v1/invoices", e.key, "").body)
}

// TestAnUnknownFieldInAListIsNamedWhereItIs: encoding/json names only the
// field; the answer says which line it is on.
func TestAnUnknownFieldInAListIsNamedWhereItIs(t *testing.T) {
	e := newEnv(t)
	wantProblem(t, e.do("POST", "/v1/invoices", e.key, `{"customer_email":"a@b.test","currency":"EUR","due_date":"2030-01-01",
		"line_items":[{"description":"X","quantity":1,"unit_amount":100},{"description":"Y","quantity":1,"unit_amount":100,"colour":"red"}]}`),
		400, "unknown_field", "line_items[1].colour")
	if l := e.do("GET", "/v1/invoices", e.key, "").json(t)["data"].([]any); len(l) != 0 {
		t.Fatalf("a refused invoice was kept: %v", l)
	}
}
