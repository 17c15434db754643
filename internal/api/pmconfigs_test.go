package api_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func (e *env) config(t *testing.T, body string) map[string]any {
	t.Helper()
	r := e.do("POST", "/v1/payment-method-configs", e.key, body)
	if r.status != 201 {
		t.Fatalf("config %s: %d %s", body, r.status, r.body)
	}
	return r.json(t)
}

func codes(t *testing.T, r resp, field string) string {
	t.Helper()
	var out []string
	for _, m := range r.json(t)[field].([]any) {
		out = append(out, m.(map[string]any)["code"].(string))
	}
	return strings.Join(out, ",")
}

func TestPaymentMethodsAPIFiltersCachesAndRespectsPermissions(t *testing.T) {
	e := newEnv(t)
	knet := e.config(t, `{"code":"knet","name":"KNET","name_ar":"كي نت","connector":"sandbox","accepted_currencies":["KWD"],"default_currency":"KWD",
		"is_tokenizable":true,"tags":["retail"],"payment_services":["apple_pay"],"wallets":["ApplePay"],"operations":["refund"],
		"credentials":{"api_key":"SECRET-CANARY-123"}}`)
	if knet["has_credentials"] != true {
		t.Fatalf("config %v", knet)
	}
	// The secret is in no answer, under no field.
	noSecret := func(what string, r resp) {
		t.Helper()
		if r.status >= 300 || strings.Contains(string(r.body), "SECRET-CANARY") {
			t.Fatalf("%s: %d %s", what, r.status, r.body)
		}
	}
	noSecret("the configuration", e.do("GET", "/v1/payment-method-configs/"+knet["id"].(string), e.key, ""))
	noSecret("the list", e.do("GET", "/v1/payment-method-configs", e.key, ""))
	noSecret("an update", e.do("POST", "/v1/payment-method-configs/"+knet["id"].(string), e.key, `{"credentials":{"api_key":"SECRET-CANARY-123"}}`))
	e.config(t, `{"code":"cards","name":"Cards","connector":"sandbox","accepted_currencies":["USD","EUR"],"operations":["refund","void","capture"],"auto_debit_enabled":true}`)
	e.config(t, `{"code":"preauth","name":"Pre-auth","connector":"sandbox","operation":"authorize","plugins":["payment_request"]}`)
	off := e.config(t, `{"code":"old","name":"Old","connector":"sandbox","enabled":false}`)
	wantProblem(t, e.do("POST", "/v1/payment-method-configs", e.key, `{"code":"knet","name":"again","connector":"sandbox"}`), 409, "config_code_taken", "")
	wantProblem(t, e.do("POST", "/v1/payment-method-configs", e.key, `{"code":"x","name":"X","connector":"worldpay"}`), 400, "parameter_invalid", "connector")
	wantProblem(t, e.do("POST", "/v1/payment-method-configs", e.key, `{"code":"x","name":"X","connector":"paytrace","credentials":{"username":"u"}}`), 400, "credentials_invalid", "credentials.password")
	wantProblem(t, e.do("POST", "/v1/payment-method-configs", e.key, `{"code":"Bad Code","name":"X","connector":"sandbox"}`), 400, "parameter_invalid", "code")

	list := func(body string, headers ...string) resp {
		return e.do("POST", "/b/pbl/v2/payment-methods/", "", body, append([]string{"Authorization", "Api-Key " + e.key}, headers...)...)
	}
	for body, want := range map[string]string{
		`{"plugin":"e_commerce"}`:                                   "cards,knet",
		`{"plugin":"payment_request"}`:                              "preauth",
		`{"plugin":"e_commerce","currencies":["KWD"]}`:              "knet",
		`{"plugin":"e_commerce","tokenizable":true}`:                "knet",
		`{"plugin":"e_commerce","tags":["crm","retail"]}`:           "knet",
		`{"plugin":"e_commerce","payment_services":["google_pay"]}`: "",
		`{"plugin":"e_commerce","type":"production"}`:               "",
		`{"plugin":"e_commerce","pg_names":["sandbox"]}`:            "cards,knet",
		`{"plugin":"payment_request","operation":"authorize"}`:      "preauth",
		`{"plugin":"e_commerce","operation":"authorize"}`:           "",
		`{"plugin":"e_commerce","operation":"purchase"}`:            "cards,knet",
		`{"plugin":"e_commerce","auto_debit":true}`:                 "cards",
		`{"plugin":"e_commerce","auto_debit":false}`:                "knet",
	} {
		if r := list(body); r.status != 200 || codes(t, r, "payment_methods") != want {
			t.Errorf("%s: %d %s, want %s", body, r.status, r.body, want)
		}
	}
	noSecret("the Ottu listing", list(`{"plugin":"e_commerce"}`))
	noSecret("the native listing", e.do("POST", "/v1/payment-methods", e.key, `{"plugin":"e_commerce"}`))
	m := list(`{"plugin":"e_commerce","currencies":["KWD"]}`).json(t)["payment_methods"].([]any)[0].(map[string]any)
	if m["name"] != "KNET" || m["is_sandbox"] != true || m["default_currency"] != "KWD" || m["is_tokenizable"] != true ||
		m["payment_services"].([]any)[0].(map[string]any)["code"] != "apple_pay" || m["operations"].([]any)[0] != "refund" {
		t.Fatalf("method %v", m)
	}
	if r := list(`{"currencies":["KWD"]}`); r.status != 400 || !strings.Contains(string(r.body), `"plugin":[`) {
		t.Fatalf("missing plugin, Ottu style: %d %s", r.status, r.body)
	}

	// Cached per filter, and a change is seen at once.
	hits := e.engine.ConfigCacheHits()
	list(`{"plugin":"e_commerce"}`)
	if e.engine.ConfigCacheHits() != hits+1 {
		t.Fatal("a repeated listing was not answered from the cache")
	}
	if r := e.do("POST", "/v1/payment-method-configs/"+off["id"].(string), e.key, `{"enabled":true}`); r.status != 200 {
		t.Fatalf("enable: %d %s", r.status, r.body)
	}
	if got := codes(t, list(`{"plugin":"e_commerce"}`), "payment_methods"); got != "cards,knet,old" {
		t.Fatalf("after enabling a config the list is %s", got)
	}

	// A person sees only the codes they may use.
	e.newUser("dev@a.test", "developer", "use:knet")
	person := e.do("POST", "/v1/payment-methods", "", `{"plugin":"e_commerce"}`, "Authorization", basic("dev@a.test", userPassword), "Paygate-Mode", "sandbox")
	if person.status != 200 || codes(t, person, "payment_methods") != "knet" {
		t.Fatalf("a person with use:knet sees %d %s", person.status, person.body)
	}

	// Payments name a configuration; the customer's ones are listed for them.
	pay := e.do("POST", "/v1/payments", e.key, `{"amount":1500,"currency":"KWD","pg_code":"knet","customer":"c-9","payment_method":{"type":"card","card":`+cardJSON("4242424242424242", "123")+`}}`)
	if pay.status != 201 || pay.json(t)["pg_code"] != "knet" {
		t.Fatalf("payment through knet: %d %s", pay.status, pay.body)
	}
	if got := codes(t, list(`{"plugin":"e_commerce","customer_id":"c-9"}`), "customer_payment_methods"); got != "knet" {
		t.Fatalf("customer methods %s", got)
	}
	wantProblem(t, e.do("POST", "/v1/payments", e.key, `{"amount":1500,"currency":"USD","pg_code":"knet","payment_method":{"type":"card","card":`+cardJSON("4242424242424242", "123")+`}}`), 400, "currency_not_accepted", "currency")
	wantProblem(t, e.do("POST", "/v1/payments", e.key, `{"amount":1500,"currency":"USD","pg_code":"nope","payment_method":{"type":"card","card":`+cardJSON("4242424242424242", "123")+`}}`), 400, "config_not_found", "pg_code")
	if p := e.do("POST", "/v1/payments", e.key, `{"amount":100,"currency":"USD","pg_code":"preauth","payment_method":{"type":"card","card":`+cardJSON("4242424242424242", "123")+`}}`).json(t); p["status"] != "authorized" {
		t.Fatalf("an authorize configuration: %v", p)
	}
	byPerson := e.do("POST", "/v1/payments", "", `{"amount":100,"currency":"USD","pg_code":"cards","payment_method":{"type":"card","card":`+cardJSON("4242424242424242", "123")+`}}`,
		"Authorization", basic("dev@a.test", userPassword), "Paygate-Mode", "sandbox")
	wantProblem(t, byPerson, 403, "permission_denied", "")

	// Every change is audited; credentials never reach the database in clear.
	actions := map[string]int{}
	for _, ev := range e.do("GET", "/v1/audit-events?limit=100", e.key, "").json(t)["data"].([]any) {
		actions[ev.(map[string]any)["action"].(string)]++
	}
	if actions["config.created"] != 4 || actions["config.updated"] != 2 {
		t.Fatalf("audit %v", actions)
	}
	files, _ := filepath.Glob(filepath.Join(e.dir, "api.db*"))
	for _, f := range files {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("SECRET-CANARY-123")) {
			t.Fatalf("%s holds a configuration's credentials in clear", f)
		}
	}
	if r := e.do("DELETE", "/v1/payment-method-configs/"+knet["id"].(string), e.other, ""); r.status != 404 {
		t.Fatalf("merchant B deletes A's config: %d", r.status)
	}
	if r := e.do("DELETE", "/v1/payment-method-configs/"+knet["id"].(string), e.key, ""); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	audit := e.do("GET", "/v1/audit-events?limit=100", e.key, "")
	noSecret("the audit log", audit)
	var deleted []map[string]any
	for _, ev := range audit.json(t)["data"].([]any) {
		if ev := ev.(map[string]any); ev["action"] == "config.deleted" {
			deleted = append(deleted, ev)
		}
	}
	if len(deleted) != 1 || !strings.Contains(fmt.Sprint(deleted[0]), knet["id"].(string)) || !strings.Contains(fmt.Sprint(deleted[0]), "knet") {
		t.Fatalf("config.deleted events: %v", deleted)
	}
}

// Currencies are ISO 4217 codes wherever they appear, whatever their case;
// listing filters are bounded, and so is the cache they fill.
func TestConfigCurrenciesAndListingFiltersAreValidated(t *testing.T) {
	e := newEnv(t)
	wantProblem(t, e.do("POST", "/v1/payment-method-configs", e.key, `{"code":"x","name":"X","connector":"sandbox","default_currency":"XYZ"}`), 400, "currency_invalid", "default_currency")
	wantProblem(t, e.do("POST", "/v1/payment-method-configs", e.key, `{"code":"x","name":"X","connector":"sandbox","accepted_currencies":["KWD"],"default_currency":"USD"}`), 400, "parameter_invalid", "default_currency")
	c := e.config(t, `{"code":"knet","name":"KNET","connector":"sandbox","accepted_currencies":["kwd","KWD","usd"],"default_currency":"kwd"}`)
	if fmt.Sprint(c["accepted_currencies"]) != "[KWD USD]" || c["default_currency"] != "KWD" {
		t.Fatalf("currencies as saved: %v %v", c["accepted_currencies"], c["default_currency"])
	}
	open := e.config(t, `{"code":"any","name":"Any","connector":"sandbox","default_currency":"eur"}`)
	if open["default_currency"] != "EUR" {
		t.Fatalf("default currency with no accepted list: %v", open["default_currency"])
	}
	// A lower-case currency pays through the configuration that takes it.
	if p := e.do("POST", "/v1/payments", e.key, `{"amount":1500,"currency":"KWD","pg_code":"knet","payment_method":{"type":"card","card":`+cardJSON("4242424242424242", "123")+`}}`); p.status != 201 {
		t.Fatalf("payment through a configuration saved with lower-case currencies: %d %s", p.status, p.body)
	}

	list := func(body string) resp {
		return e.do("POST", "/b/pbl/v2/payment-methods/", "", body, "Authorization", "Api-Key "+e.key)
	}
	if r := list(`{"plugin":"e_commerce","currencies":["kwd"]}`); r.status != 200 || codes(t, r, "payment_methods") != "any,knet" {
		t.Fatalf("lower-case currency filter: %d %s", r.status, r.body)
	}
	for body, field := range map[string]string{
		`{"plugin":"e_commerce","currencies":["KWDX"]}`:                           "currencies",
		`{"plugin":"e_commerce","currencies":["ZZZ"]}`:                            "currencies",
		`{"plugin":"e_commerce","customer_id":"` + strings.Repeat("c", 65) + `"}`: "customer_id",
	} {
		if r := list(body); r.status != 400 || r.json(t)[field] == nil {
			t.Errorf("%s: %d %s, want 400 {%s: [...]}", body, r.status, r.body, field)
		}
	}
	if r := list(`{"plugin":"e_commerce","customer_id":"` + strings.Repeat("c", 64) + `"}`); r.status != 200 {
		t.Fatalf("a 64-character customer id: %d %s", r.status, r.body)
	}
	for i := range 300 {
		if r := list(fmt.Sprintf(`{"plugin":"e_commerce","pg_names":["p%d"]}`, i)); r.status != 200 {
			t.Fatalf("listing %d: %d %s", i, r.status, r.body)
		}
	}
	if n := e.engine.ConfigCacheFilters(e.mid); n == 0 || n > 256 {
		t.Fatalf("after 300 distinct filters the cache holds %d", n)
	}
}

func TestConfigAnswersValidateAgainstTheDocumentedSchemas(t *testing.T) {
	o := loadOpenAPI(t)
	e := newEnv(t)
	created := e.do("POST", "/v1/payment-method-configs", e.key, `{"code":"knet","name":"KNET","connector":"sandbox","accepted_currencies":["KWD"],"payment_services":["apple_pay"]}`)
	o.validate(t, "#/components/schemas/PaymentMethodConfig", created.body)
	o.validate(t, "#/components/schemas/PaymentMethodConfigList", e.do("GET", "/v1/payment-method-configs", e.key, "").body)
	o.validate(t, "#/components/schemas/PaymentMethods", e.do("POST", "/b/pbl/v2/payment-methods/", e.key, `{"plugin":"e_commerce"}`).body)
	o.validate(t, "#/components/schemas/Payment", e.do("POST", "/v1/payments", e.key, `{"amount":1000,"currency":"KWD","pg_code":"knet","payment_method":{"type":"card","card":`+cardJSON("4242424242424242", "123")+`}}`).body)
}

func TestRoutingRulesOverTheAPIAndTheirMetrics(t *testing.T) {
	e := newEnv(t)
	gb := e.config(t, `{"code":"uk-cards","name":"UK","connector":"sandbox","accepted_currencies":["GBP","EUR"],
		"routing":{"priority":1,"card_countries":["GB"],"card_brands":["visa"],"timeout_ms":5000}}`)
	rt := gb["routing"].(map[string]any)
	if rt["priority"] != 1.0 || rt["weight"] != 1.0 || rt["timeout_ms"] != 5000.0 || rt["card_countries"].([]any)[0] != "GB" {
		t.Fatalf("routing as saved: %v", rt)
	}
	e.config(t, `{"code":"eu-cards","name":"EU","connector":"sandbox","accepted_currencies":["EUR"],"routing":{"priority":2}}`)
	for _, c := range []struct{ body, param string }{
		{`{"routing":{"priority":0}}`, "routing.priority"},
		{`{"routing":{"weight":-1}}`, "routing.weight"},
		{`{"routing":{"min_amount":500,"max_amount":100}}`, "routing.max_amount"},
		{`{"routing":{"card_brands":["visa","diners club"]}}`, "routing.card_brands"},
		{`{"routing":{"card_countries":["gb"]}}`, "routing.card_countries"},
		{`{"routing":{"timeout_ms":5}}`, "routing.timeout_ms"},
	} {
		wantProblem(t, e.do("POST", "/v1/payment-method-configs/"+gb["id"].(string), e.key, c.body), 400, "parameter_invalid", c.param)
	}
	pay := func(number, currency string) map[string]any {
		r := e.do("POST", "/v1/payments", e.key, `{"amount":1500,"currency":"`+currency+`","payment_method":{"type":"card","card":{"number":"`+number+`","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)
		if r.status != 201 {
			t.Fatalf("payment: %d %s", r.status, r.body)
		}
		return r.json(t)
	}
	if p := pay("4000008260000000", "EUR"); p["pg_code"] != "uk-cards" || p["status"] != "captured" {
		t.Fatalf("a British visa: %v", p)
	}
	if p := pay("4242424242424242", "EUR"); p["pg_code"] != "eu-cards" {
		t.Fatalf("an American visa: %v", p)
	}
	wantProblem(t, e.do("POST", "/v1/payments", e.key, `{"amount":1500,"currency":"USD","payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123"}}}`),
		400, "no_route", "pg_code")
	m := string(e.do("GET", "/metrics", "", "").body)
	for _, want := range []string{
		`paygate_connector_calls_total{config="uk-cards",connector="sandbox",operation="authorize",outcome="approved"} 1`,
		`paygate_connector_calls_total{config="eu-cards",connector="sandbox",operation="authorize",outcome="approved"} 1`,
		`paygate_connector_call_duration_seconds_count{config="uk-cards",connector="sandbox",operation="authorize"} 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// Deleting a configuration does not strand its payments: their refunds
// still reach the processor that took them.
func TestPaymentsOutliveTheirDeletedConfiguration(t *testing.T) {
	e := newEnv(t)
	cfg := e.config(t, `{"code":"cards","name":"Cards","connector":"sandbox","accepted_currencies":["EUR"]}`)
	r := e.do("POST", "/v1/payments", e.key, `{"amount":3000,"currency":"EUR","pg_code":"cards","payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)
	p := r.json(t)
	if r.status != 201 || p["pg_code"] != "cards" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if d := e.do("DELETE", "/v1/payment-method-configs/"+cfg["id"].(string), e.key, ""); d.status != 200 {
		t.Fatalf("delete: %d %s", d.status, d.body)
	}
	if rf := e.do("POST", "/v1/payments/"+p["id"].(string)+"/refunds", e.key, `{"amount":1000}`); rf.status != 201 {
		t.Fatalf("refund after the configuration was deleted: %d %s", rf.status, rf.body)
	}
}
