package dashboard_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/pmconfig"
)

// config reads a configuration by code straight from the engine (the
// sealed credentials included, to see whether a save replaced them).
func (e *env) config(code string) *pmconfig.Config {
	e.t.Helper()
	cs, err := e.eng.ListConfigs(context.Background(), engine.Actor{MerchantID: e.merchant, Mode: payment.Sandbox})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range cs {
		if c.Code == code {
			return c
		}
	}
	return nil
}

// TestPaymentMethodConfigsAddEditSwitchDelete manages a configuration from
// the Developers page: credentials go in and never come out, a forged post
// without manage_keys or without the CSRF token is refused, and deleting
// asks first.
func TestPaymentMethodConfigsAddEditSwitchDelete(t *testing.T) {
	const canary, canary2 = "SECRET-CANARY-123", "SECOND-CANARY-456"
	e := newEnv(t)
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	var seen []page
	get := func(path string) page {
		t.Helper()
		p := owner.get(path)
		seen = append(seen, p)
		return p
	}
	post := func(path string, f url.Values) page {
		t.Helper()
		p := owner.post(path, f)
		seen = append(seen, p)
		return p
	}
	dev := get("/dashboard/developers")
	if !strings.Contains(dev.body, `href="/dashboard/developers/configs/new"`) || strings.Contains(dev.body, "set them with the API") {
		t.Fatalf("the developers page offers no way to add a configuration:\n%s", dev.body)
	}
	form := get("/dashboard/developers/configs/new")
	if form.status != 200 || !strings.Contains(form.body, `id="config-form"`) || !strings.Contains(form.body, `<option value="sandbox"`) {
		t.Fatalf("new configuration form: %d\n%s", form.status, form.body)
	}
	csrf := form.csrf(t)
	add := url.Values{"csrf": {csrf}, "code": {"knet"}, "connector": {"sandbox"}, "name": {"KNET"}, "currencies": {"kwd, usd"},
		"default_currency": {"KWD"}, "operation": {"purchase"}, "operations": {"refund"}, "enabled": {"1"},
		"cred_name_1": {"api_key"}, "cred_value_1": {canary}}

	// Refusals first: nothing is made.
	for _, who := range []*browserless{analyst, support} {
		mine := who.get("/dashboard/")
		forged := url.Values{"csrf": {mine.csrf(t)}, "code": {"evil"}, "connector": {"sandbox"}, "name": {"Evil"}}
		if p := who.post("/dashboard/developers/configs", forged); p.status != http.StatusForbidden {
			t.Fatalf("a forged create without manage_keys: %d", p.status)
		}
		if p := who.get("/dashboard/developers/configs/new"); p.status != http.StatusForbidden {
			t.Fatalf("the form without manage_keys: %d", p.status)
		}
	}
	noCSRF := url.Values{"code": {"evil"}, "connector": {"sandbox"}, "name": {"Evil"}}
	if p := owner.post("/dashboard/developers/configs", noCSRF); p.status != http.StatusForbidden {
		t.Fatalf("create without CSRF: %d", p.status)
	}
	if p := owner.do("POST", "/dashboard/developers/configs", add, "https://evil.test"); p.status != http.StatusForbidden {
		t.Fatalf("create from another origin: %d", p.status)
	}
	if e.config("evil") != nil || e.config("knet") != nil {
		t.Fatal("a refused post made a configuration")
	}

	// A mistake comes back with the form refilled, but never the credential.
	bad := url.Values{}
	for k, v := range add {
		bad[k] = v
	}
	bad.Set("code", "Not A Code")
	if p := post("/dashboard/developers/configs", bad); p.status != 400 || !strings.Contains(p.body, "code is required") || !strings.Contains(p.body, `value="KNET"`) {
		t.Fatalf("a bad code: %d\n%s", p.status, p.body)
	}
	if p := post("/dashboard/developers/configs", add); p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "done=config-created") {
		t.Fatalf("create: %d %s\n%s", p.status, p.header.Get("Location"), p.body)
	}
	c := e.config("knet")
	if c == nil || c.NameEN != "KNET" || strings.Join(c.AcceptedCurrencies, ",") != "KWD,USD" || !c.Enabled || len(c.SealedCredentials) == 0 ||
		strings.Join(c.FollowUps, ",") != "refund" {
		t.Fatalf("the created configuration: %+v", c)
	}
	sealed := bytes.Clone(c.SealedCredentials)
	list := get("/dashboard/developers")
	if !strings.Contains(list.body, "/dashboard/developers/configs/"+c.ID) || !strings.Contains(list.body, "set (hidden)") {
		t.Fatalf("the list lacks the configuration:\n%s", list.body)
	}

	path := "/dashboard/developers/configs/" + c.ID
	edit := get(path)
	if edit.status != 200 || !strings.Contains(edit.body, `value="KWD, USD"`) || !strings.Contains(edit.body, "Credentials are set and sealed") {
		t.Fatalf("edit page: %d\n%s", edit.status, edit.body)
	}
	if m := regexpMust(`<input[^>]*type="password"[^>]*>`).FindAllString(edit.body, -1); len(m) == 0 || strings.Contains(strings.Join(m, ""), "value=") {
		t.Fatalf("the credential inputs: %v", m)
	}
	for _, who := range []*browserless{analyst, support} {
		mine := who.get("/dashboard/")
		if p := who.post(path, url.Values{"csrf": {mine.csrf(t)}, "name": {"Evil"}, "cred_name_1": {"api_key"}, "cred_value_1": {"stolen"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged edit: %d", p.status)
		}
		if p := who.post(path+"/enabled", url.Values{"csrf": {mine.csrf(t)}, "enabled": {"0"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged disable: %d", p.status)
		}
		if p := who.post(path+"/delete", url.Values{"csrf": {mine.csrf(t)}, "step": {"confirm"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged delete: %d", p.status)
		}
	}
	if p := owner.post(path, url.Values{"name": {"Evil"}}); p.status != http.StatusForbidden {
		t.Fatalf("edit without CSRF: %d", p.status)
	}

	// Saving with empty credential values keeps the sealed ones; every
	// field is posted, so the unticked box disables.
	save := url.Values{"csrf": {csrf}, "name": {"KNET debit"}, "currencies": {"KWD"}, "default_currency": {"KWD"}, "operation": {"authorize"},
		"cred_name_1": {"api_key"}, "cred_value_1": {""}}
	if p := post(path, save); p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "done=config-updated") {
		t.Fatalf("save: %d\n%s", p.status, p.body)
	}
	if c := e.config("knet"); c.NameEN != "KNET debit" || c.Enabled || c.Operation != "authorize" || !bytes.Equal(c.SealedCredentials, sealed) {
		t.Fatalf("after saving with empty credentials: %+v", c)
	}
	wrong := url.Values{"csrf": {csrf}, "name": {"KNET"}, "currencies": {"KWD"}, "default_currency": {"USD"}, "operation": {"purchase"},
		"cred_name_1": {"api_key"}, "cred_value_1": {canary2}}
	if p := post(path, wrong); p.status != 400 || !strings.Contains(p.body, "default_currency must be one of accepted_currencies") {
		t.Fatalf("a bad edit: %d\n%s", p.status, p.body)
	}
	if p := post(path, url.Values{"csrf": {csrf}, "name": {"KNET"}, "currencies": {"KWD"}, "operation": {"purchase"}, "cred_value_2": {canary2}}); p.status != 400 || !strings.Contains(p.body, "no name") {
		t.Fatalf("a credential without a name: %d\n%s", p.status, p.body)
	}
	wrong.Set("default_currency", "KWD")
	if p := post(path, wrong); p.status != http.StatusSeeOther {
		t.Fatalf("replace credentials: %d\n%s", p.status, p.body)
	}
	if c := e.config("knet"); bytes.Equal(c.SealedCredentials, sealed) || len(c.SealedCredentials) == 0 {
		t.Fatal("typed credentials did not replace the sealed ones")
	}

	if p := post(path+"/enabled", url.Values{"csrf": {csrf}, "enabled": {"1"}}); p.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", p.status)
	}
	if !e.config("knet").Enabled {
		t.Fatal("the Enable button did not enable")
	}
	if p := get("/dashboard/developers"); !strings.Contains(p.body, `id="switch-knet">Disable`) {
		t.Fatalf("the list offers no Disable button:\n%s", p.body)
	}

	review := post(path+"/delete", url.Values{"csrf": {csrf}, "step": {"review"}})
	if review.status != 200 || !strings.Contains(review.body, "Yes, delete the configuration") || e.config("knet") == nil {
		t.Fatalf("delete review: %d\n%s", review.status, review.body)
	}
	if p := post(path+"/delete", url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "done=config-deleted") {
		t.Fatalf("delete: %d", p.status)
	}
	if e.config("knet") != nil {
		t.Fatal("the configuration is still there")
	}
	if p := get(path); p.status != 404 {
		t.Fatalf("a deleted configuration's page: %d", p.status)
	}
	for _, p := range seen {
		if strings.Contains(p.body, canary) || strings.Contains(p.body, canary2) {
			t.Fatalf("a page shows a credential:\n%s", p.body)
		}
	}
}

// TestConfigRoutingAndListsFromThePages: routing rules, wallets, payment
// services, plugins, tags and the logo that the API set are shown on a
// configuration's page, come back unchanged when it is saved, and change
// when the form does; a bad number is refused naming the field and changes
// nothing.
func TestConfigRoutingAndListsFromThePages(t *testing.T) {
	e := newEnv(t)
	owner := e.signIn("owner@shop.test")
	e.api("POST", "/v1/payment-method-configs", `{"code":"knet","name":"KNET","connector":"sandbox","accepted_currencies":["KWD"],
		"logo":"https://cdn.example/knet.png","wallets":["ApplePay"],"plugins":["e_commerce"],"tags":["retail"],
		"routing":{"priority":2,"weight":3,"min_amount":100,"max_amount":50000,"card_brands":["visa"],"card_countries":["KW"],"timeout_ms":5000}}`)
	c := e.config("knet")
	page := owner.get("/dashboard/developers/configs/" + c.ID)
	for _, want := range []string{`name="route_priority" inputmode="numeric" value="2"`, `name="route_weight" inputmode="numeric" value="3"`,
		`name="route_min" inputmode="numeric" value="100"`, `name="route_max" inputmode="numeric" value="50000"`, `name="route_brands" value="visa"`,
		`name="route_countries" value="KW"`, `name="route_timeout_ms" inputmode="numeric" value="5000"`, `value="https://cdn.example/knet.png"`,
		`name="wallets" value="ApplePay" checked`, `name="plugins" value="e_commerce" checked`, `name="tags" value="retail" checked`} {
		if !strings.Contains(page.body, want) {
			t.Fatalf("the configuration page lacks %s", want)
		}
	}
	// Saved as shown (a person renames it and touches nothing else).
	shown := url.Values{"csrf": {page.csrf(t)}, "name": {"KNET Kuwait"}, "currencies": {"KWD"}, "operation": {"purchase"}, "enabled": {"1"},
		"logo": {"https://cdn.example/knet.png"}, "wallets": {"ApplePay"}, "plugins": {"e_commerce"}, "tags": {"retail"},
		"route_priority": {"2"}, "route_weight": {"3"}, "route_min": {"100"}, "route_max": {"50000"}, "route_brands": {"visa"},
		"route_countries": {"KW"}, "route_timeout_ms": {"5000"}}
	if p := owner.post("/dashboard/developers/configs/"+c.ID, shown); p.status != http.StatusOK && p.status != http.StatusSeeOther {
		t.Fatalf("save: %d", p.status)
	}
	if got := e.config("knet"); got.NameEN != "KNET Kuwait" || got.Routing.Priority != 2 || got.Routing.Weight != 3 || got.Routing.MaxAmount != 50000 ||
		got.Routing.Timeout.Milliseconds() != 5000 || len(got.Wallets) != 1 || got.Logo != "https://cdn.example/knet.png" {
		t.Fatalf("a save as shown changed the rest: %+v", got)
	}
	// Changed on the page.
	changed := url.Values{}
	for k, v := range shown {
		changed[k] = v
	}
	changed.Set("csrf", owner.get("/dashboard/developers/configs/"+c.ID).csrf(t))
	changed["wallets"] = []string{"GooglePay"}
	changed["tags"] = []string{"retail", "pos"}
	changed.Set("route_priority", "5")
	changed.Set("route_weight", "0")
	changed.Set("route_countries", "kw, sa")
	changed.Set("route_max", "")
	owner.post("/dashboard/developers/configs/"+c.ID, changed)
	got := e.config("knet")
	if got.Routing.Priority != 5 || got.Routing.Weight != 0 || got.Routing.MaxAmount != 0 || strings.Join(got.Routing.Countries, ",") != "KW,SA" ||
		strings.Join(got.Wallets, ",") != "GooglePay" || strings.Join(got.Tags, ",") != "retail,pos" {
		t.Fatalf("after changing the form: routing %+v wallets %v tags %v", got.Routing, got.Wallets, got.Tags)
	}
	// Refused, naming the field; nothing changes.
	for _, bad := range []struct{ field, value, says string }{{"route_priority", "abc", "Priority"}, {"route_priority", "0", "routing.priority"},
		{"route_brands", "visa, bogus", "bogus"}} {
		f := url.Values{}
		for k, v := range changed {
			f[k] = v
		}
		f.Set("csrf", owner.get("/dashboard/developers/configs/"+c.ID).csrf(t))
		f.Set(bad.field, bad.value)
		if p := owner.post("/dashboard/developers/configs/"+c.ID, f); p.status != http.StatusBadRequest || !strings.Contains(p.body, bad.says) {
			t.Fatalf("%s=%q: %d, want 400 saying %q", bad.field, bad.value, p.status, bad.says)
		}
		if again := e.config("knet"); again.Routing.Priority != 5 || len(again.Routing.Brands) != 1 {
			t.Fatalf("a refused save changed the configuration: %+v", again.Routing)
		}
	}
}
