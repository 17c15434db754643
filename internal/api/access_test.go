package api_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/payment"
)

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// as sends a request with an explicit Authorization header (and more headers).
func (e *env) as(authz, method, path, body string, headers ...string) resp {
	e.t.Helper()
	return e.do(method, path, "", body, append([]string{"Authorization", authz}, headers...)...)
}

// newKey creates a key through the API with the given secret key.
func (e *env) newKey(with, body string) (id, secret string) {
	e.t.Helper()
	r := e.do("POST", "/v1/api-keys", with, body)
	if r.status != 201 {
		e.t.Fatalf("create key %s: %d %s", body, r.status, r.body)
	}
	m := r.json(e.t)
	return m["id"].(string), m["secret"].(string)
}

// newUser creates a team member of merchant A (through A's live secret key)
// with a known password and returns its id.
func (e *env) newUser(email, role string, perms ...string) string {
	e.t.Helper()
	b, _ := json.Marshal(map[string]any{"email": email, "role": role, "permissions": perms, "password": "correct horse battery"})
	r := e.do("POST", "/v1/users", e.live, string(b))
	if r.status != 201 {
		e.t.Fatalf("create user: %d %s", r.status, r.body)
	}
	return r.json(e.t)["id"].(string)
}

const userPassword = "correct horse battery"

// fill replaces {id} in a route's path, and {pm} with fillPM.
func fill(path, id string) string {
	return strings.ReplaceAll(strings.ReplaceAll(path, "{pm}", fillPM), "{id}", id)
}

// fillPM is the saved card the tenancy walk addresses in {pm}.
var fillPM = "pm_nonexistent"

// TestEveryRouteHidesOtherMerchantsAndTheOtherMode walks the route table:
// merchant B's credentials against merchant A's objects, and one mode's key
// against the other mode's objects, must find nothing (404) and list
// nothing, and A's objects must not change. A route without a case fails
// the test, so a route added later cannot skip the check.
func TestEveryRouteHidesOtherMerchantsAndTheOtherMode(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	other, err := e.engine.Authenticate(ctx, e.other)
	if err != nil {
		t.Fatal(err)
	}
	_, otherLive, err := e.engine.CreateAPIKey(ctx, other.Principal.ID[:0]+other.MerchantID, payment.Live)
	if err != nil {
		t.Fatal(err)
	}
	payID := e.pay(saleBody(1000, "4242424242424242", "manual"), 201)
	keyID, _ := e.newKey(e.key, `{"kind":"restricted","scopes":["payments:read"]}`)
	liveKeyID, _ := e.newKey(e.live, `{"kind":"restricted","scopes":["payments:read"]}`)
	userID := e.newUser("ana@a.test", "support")
	custID := e.do("POST", "/v1/customers", e.key, `{"reference":"walk-1"}`).json(t)["id"].(string)
	saved := e.do("POST", "/v1/payments", e.key, `{"amount":100,"currency":"USD","customer":"walk-1","payment_method":{"type":"card","card":{"number":"5555555555554444","exp_month":12,"exp_year":2031,"cvc":"123"}}}`).json(t)
	fillPM = saved["payment_method"].(map[string]any)["id"].(string)
	t.Cleanup(func() { fillPM = "pm_nonexistent" })
	csID := e.do("POST", "/v1/checkout/sessions", e.key, `{"amount":100,"currency":"USD","success_url":"https://shop.test/ok"}`).json(t)["id"].(string)
	rcv := newReceiver(t)
	hookID, _ := e.endpoint(rcv.srv.URL)
	e.engine.DispatchOnce(ctx, dispatchCfg())
	evID := e.do("GET", "/v1/events?limit=1", e.key, "").json(t)["data"].([]any)[0].(map[string]any)["id"].(string)
	delID := e.do("GET", "/v1/webhook-endpoints/"+hookID+"/deliveries?limit=1", e.key, "").json(t)["data"].([]any)[0].(map[string]any)["id"].(string)
	poID := e.do("POST", "/v1/payouts", e.key, strings.Replace(bankPayout(50, "DE89370400440532013000"), "EUR", "USD", 1)).json(t)["id"].(string)
	mdt := e.do("POST", "/v1/payments", e.key, initialPayment("walk-1", "4242424242424242")).json(t)["mandate"].(string)
	subID := e.do("POST", "/v1/subscriptions", e.key, `{"mandate":"`+mdt+`","amount":100,"currency":"EUR","interval":"month"}`).json(t)["id"].(string)
	invBody := `{"customer_email":"a@b.test","currency":"EUR","due_date":"2030-01-01","send":false,"line_items":[{"description":"X","quantity":1,"unit_amount":100}]}`
	invID := e.do("POST", "/v1/invoices", e.key, invBody).json(t)["id"].(string)
	cfgID := e.config(t, `{"code":"walk","name":"Walk","connector":"sandbox"}`)["id"].(string)
	secrets := []string{payID, keyID, liveKeyID, userID, custID, fillPM, csID, hookID, evID, delID, poID, subID, invID, cfgID} // not the mandate: POST /v1/subscriptions as B names it in its own body

	// objectOf says which of A's objects a route with {id} addresses, and
	// the body a POST sends.
	type tcase struct{ sandboxID, liveID, body string }
	cases := map[string]tcase{
		"POST /v1/payments":                              {body: saleBody(500, "4242424242424242", "automatic")},
		"GET /v1/payments":                               {},
		"GET /v1/payments/{id}":                          {sandboxID: payID},
		"POST /v1/payments/{id}/capture":                 {sandboxID: payID, body: "{}"},
		"POST /v1/payments/{id}/void":                    {sandboxID: payID, body: "{}"},
		"POST /v1/payments/{id}/refunds":                 {sandboxID: payID, body: "{}"},
		"GET /v1/balance":                                {},
		"POST /v1/api-keys":                              {body: `{"kind":"restricted","scopes":["payments:read"]}`},
		"GET /v1/api-keys":                               {},
		"GET /v1/api-keys/{id}":                          {sandboxID: keyID, liveID: liveKeyID},
		"POST /v1/api-keys/{id}/roll":                    {sandboxID: keyID, liveID: liveKeyID, body: "{}"},
		"POST /v1/api-keys/{id}/revoke":                  {sandboxID: keyID, liveID: liveKeyID, body: "{}"},
		"POST /v1/users":                                 {body: `{"email":"bob@b.test","role":"analyst"}`},
		"GET /v1/users":                                  {},
		"GET /v1/users/{id}":                             {liveID: userID},
		"POST /v1/users/{id}":                            {liveID: userID, body: `{"role":"owner","disabled":true}`},
		"POST /v1/users/{id}/reset-password":             {liveID: userID, body: "{}"},
		"GET /v1/audit-events":                           {},
		"POST /v1/tokens":                                {body: `{"card":{"number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123"}}`},
		"GET /v1/encryption-key":                         {},
		"GET /v1/encryption-key.pem":                     {},
		"POST /v1/encryption-key/rotate":                 {body: "{}"},
		"POST /v1/customers":                             {body: `{"reference":"walk-2"}`},
		"GET /v1/customers":                              {},
		"GET /v1/customers/{id}":                         {sandboxID: custID},
		"POST /v1/customers/{id}":                        {sandboxID: custID, body: `{"name":"Mallory"}`},
		"DELETE /v1/customers/{id}":                      {sandboxID: custID},
		"GET /v1/customers/{id}/payment-methods":         {sandboxID: custID},
		"DELETE /v1/customers/{id}/payment-methods/{pm}": {sandboxID: custID},
		"POST /v1/checkout/sessions":                     {body: `{"amount":100,"currency":"USD","success_url":"https://shop.test/ok"}`},
		"GET /v1/checkout/sessions":                      {},
		"GET /v1/checkout/sessions/{id}":                 {sandboxID: csID},
		"POST /v1/payouts":                               {body: bankPayout(100, "DE89370400440532013000")},
		"POST /v1/invoices":                              {body: invBody},
		"POST /v1/payment-method-configs":                {body: `{"code":"walk2","name":"W","connector":"sandbox"}`},
		"GET /v1/payment-method-configs":                 {},
		"GET /v1/payment-method-configs/{id}":            {sandboxID: cfgID},
		"POST /v1/payment-method-configs/{id}":           {sandboxID: cfgID, body: `{"enabled":false}`},
		"DELETE /v1/payment-method-configs/{id}":         {sandboxID: cfgID},
		"POST /v1/payment-methods":                       {body: `{"plugin":"e_commerce"}`},
		"POST /b/pbl/v2/payment-methods/":                {body: `{"plugin":"e_commerce"}`},
		"GET /v1/invoices":                               {},
		"GET /v1/invoices/{id}":                          {sandboxID: invID},
		"POST /v1/invoices/{id}/cancel":                  {sandboxID: invID, body: "{}"},
		"POST /v1/invoices/{id}/send":                    {sandboxID: invID, body: "{}"},
		"POST /v1/subscriptions":                         {body: `{"mandate":"` + mdt + `","amount":100,"currency":"EUR","interval":"month"}`},
		"GET /v1/subscriptions":                          {},
		"GET /v1/subscriptions/{id}":                     {sandboxID: subID},
		"POST /v1/subscriptions/{id}/pause":              {sandboxID: subID, body: "{}"},
		"POST /v1/subscriptions/{id}/resume":             {sandboxID: subID, body: "{}"},
		"POST /v1/subscriptions/{id}/cancel":             {sandboxID: subID, body: "{}"},
		"GET /v1/payouts":                                {},
		"GET /v1/payouts/{id}":                           {sandboxID: poID},
		"GET /v1/events":                                 {},
		"GET /v1/events/{id}":                            {sandboxID: evID},
		"POST /v1/webhook-endpoints":                     {body: `{"url":"https://hooks.test/a"}`},
		"GET /v1/webhook-endpoints":                      {},
		"GET /v1/webhook-endpoints/{id}":                 {sandboxID: hookID},
		"POST /v1/webhook-endpoints/{id}":                {sandboxID: hookID, body: `{"enabled":false}`},
		"DELETE /v1/webhook-endpoints/{id}":              {sandboxID: hookID},
		"GET /v1/webhook-endpoints/{id}/deliveries":      {sandboxID: hookID},
		"GET /v1/webhook-deliveries/{id}":                {sandboxID: delID},
		"GET /v1/notification-secret":                    {},
		"POST /v1/webhook-deliveries/{id}/resend":        {sandboxID: delID, body: "{}"},
		"GET /dashboard/session":                         {},
		"POST /dashboard/logout":                         {body: "{}"},
		"POST /dashboard/totp/setup":                     {body: "{}"},
		"POST /dashboard/totp/enable":                    {body: `{"code":"123456"}`},
	}
	checked := 0
	for _, rt := range e.api.RouteTable() {
		if rt.Public {
			continue
		}
		name := rt.Method + " " + rt.Path
		c, ok := cases[name]
		if !ok {
			t.Errorf("route %s has no tenancy case: add one", name)
			continue
		}
		checked++
		hasID := strings.Contains(rt.Path, "{id}")
		// Cross-merchant: B's key of the mode the object lives in.
		for _, probe := range []struct{ cred, id string }{{e.other, c.sandboxID}, {otherLive, c.liveID}} {
			if hasID && probe.id == "" {
				continue
			}
			r := e.do(rt.Method, fill(rt.Path, probe.id), probe.cred, c.body)
			if hasID && r.status != 404 {
				t.Errorf("%s as merchant B: %d %s, want 404", name, r.status, r.body)
			}
			for _, s := range secrets {
				// A 404 may echo the id asked for; anything else must not show A's objects.
				if !hasID && strings.Contains(string(r.body), s) {
					t.Errorf("%s as merchant B shows A's object %s: %s", name, s, r.body)
				}
			}
		}
		// Cross-mode: A's live key against A's sandbox objects and back.
		if !rt.MerchantWide {
			for _, probe := range []struct{ cred, id, other string }{{e.live, c.sandboxID, liveKeyID}, {e.key, c.liveID, ""}} {
				if hasID && probe.id == "" {
					continue
				}
				r := e.do(rt.Method, fill(rt.Path, probe.id), probe.cred, c.body)
				if hasID && r.status != 404 {
					t.Errorf("%s from the other mode: %d %s, want 404", name, r.status, r.body)
				}
				if !hasID && probe.cred == e.live && (strings.Contains(string(r.body), payID) || strings.Contains(string(r.body), keyID)) {
					t.Errorf("%s in live mode shows sandbox objects: %s", name, r.body)
				}
			}
		}
	}
	if checked != len(cases) {
		t.Errorf("%d cases for %d routes: remove cases of routes that no longer exist", len(cases), checked)
	}
	if p := e.do("GET", "/v1/payments/"+payID, e.key, "").json(t); p["status"] != "authorized" || p["amount_refunded"].(float64) != 0 {
		t.Fatalf("A's payment changed: %v", p)
	}
	if k := e.do("GET", "/v1/api-keys/"+keyID, e.key, "").json(t); k["status"] != "active" {
		t.Fatalf("A's key changed: %v", k)
	}
	if c := e.do("GET", "/v1/customers/"+custID, e.key, ""); c.status != 200 || c.json(t)["name"] != nil {
		t.Fatalf("A's customer changed: %d %s", c.status, c.body)
	}
	if u := e.do("GET", "/v1/users/"+userID, e.live, "").json(t); u["role"] != "support" || u["disabled"] != false {
		t.Fatalf("A's user changed: %v", u)
	}
	if ep := e.do("GET", "/v1/webhook-endpoints/"+hookID, e.key, "").json(t); ep["enabled"] != true {
		t.Fatalf("A's webhook endpoint changed: %v", ep)
	}
	if c := e.do("GET", "/v1/payment-method-configs/"+cfgID, e.key, "").json(t); c["enabled"] != true {
		t.Fatalf("A's configuration changed: %v", c)
	}
	if inv := e.do("GET", "/v1/invoices/"+invID, e.key, "").json(t); inv["status"] != "open" {
		t.Fatalf("A's invoice changed: %v", inv)
	}
	if sub := e.do("GET", "/v1/subscriptions/"+subID, e.key, "").json(t); sub["status"] != "active" {
		t.Fatalf("A's subscription changed: %v", sub)
	}
	if pms := e.do("GET", "/v1/customers/"+custID+"/payment-methods", e.key, "").json(t)["data"].([]any); len(pms) != 2 {
		t.Fatalf("A's saved card changed: %v", pms)
	}
}

// TestScopesAndPermissionsOnEveryRoute checks an exact allow table for a
// publishable key, two restricted keys and two people: every route not in a
// credential's list answers 403 naming what is missing, every route in it
// gets past the check.
func TestScopesAndPermissionsOnEveryRoute(t *testing.T) {
	e := newEnv(t)
	_, pk := e.newKey(e.key, `{"kind":"publishable"}`)
	_, readKey := e.newKey(e.key, `{"kind":"restricted","scopes":["payments:read"]}`)
	_, refundKey := e.newKey(e.key, `{"kind":"restricted","scopes":["refunds:write"]}`)
	e.newUser("analyst@a.test", "analyst")
	e.newUser("support@a.test", "support")
	read := []string{"GET /v1/payments", "GET /v1/payments/{id}", "GET /v1/balance", "GET /v1/customers", "GET /v1/customers/{id}",
		"GET /v1/customers/{id}/payment-methods", "GET /v1/checkout/sessions", "GET /v1/checkout/sessions/{id}", "GET /v1/events", "GET /v1/events/{id}",
		"GET /v1/payouts", "GET /v1/payouts/{id}", "GET /v1/subscriptions", "GET /v1/subscriptions/{id}",
		"GET /v1/invoices", "GET /v1/invoices/{id}", "POST /v1/payment-methods", "POST /b/pbl/v2/payment-methods/"}
	browser := []string{"POST /v1/tokens", "GET /v1/encryption-key", "GET /v1/encryption-key.pem"}
	sk := append([]string{"POST /v1/payments", "POST /v1/payments/{id}/capture", "POST /v1/payments/{id}/void", "POST /v1/payments/{id}/refunds",
		"POST /v1/api-keys", "GET /v1/api-keys", "GET /v1/api-keys/{id}", "POST /v1/api-keys/{id}/roll", "POST /v1/api-keys/{id}/revoke", "GET /v1/audit-events",
		"POST /v1/encryption-key/rotate", "POST /v1/customers", "POST /v1/customers/{id}", "DELETE /v1/customers/{id}", "DELETE /v1/customers/{id}/payment-methods/{pm}", "POST /v1/checkout/sessions",
		"POST /v1/webhook-endpoints", "GET /v1/webhook-endpoints", "GET /v1/webhook-endpoints/{id}", "POST /v1/webhook-endpoints/{id}",
		"DELETE /v1/webhook-endpoints/{id}", "GET /v1/webhook-endpoints/{id}/deliveries", "GET /v1/webhook-deliveries/{id}",
		"POST /v1/webhook-deliveries/{id}/resend", "GET /v1/notification-secret", "POST /v1/payouts", "POST /v1/subscriptions", "POST /v1/subscriptions/{id}/pause",
		"POST /v1/subscriptions/{id}/resume", "POST /v1/subscriptions/{id}/cancel", "POST /v1/invoices", "POST /v1/invoices/{id}/cancel",
		"POST /v1/invoices/{id}/send", "POST /v1/payment-method-configs", "GET /v1/payment-method-configs", "GET /v1/payment-method-configs/{id}",
		"POST /v1/payment-method-configs/{id}", "DELETE /v1/payment-method-configs/{id}"}, browser...)
	keyViewers := []string{"GET /v1/encryption-key", "GET /v1/encryption-key.pem"}
	creds := []struct {
		name, authz string
		allowed     []string
		code        string
	}{
		{"publishable key", "Bearer " + pk, browser, "insufficient_scope"},
		{"restricted payments:read", "Bearer " + readKey, read, "insufficient_scope"},
		{"restricted refunds:write", "Bearer " + refundKey, []string{"POST /v1/payments/{id}/refunds"}, "insufficient_scope"},
		{"sandbox secret key", "Bearer " + e.key, append(slices.Clone(read), sk...), "insufficient_scope"},
		{"analyst", basic("analyst@a.test", userPassword), append(slices.Concat(read, keyViewers), "GET /v1/audit-events"), "permission_denied"},
		{"support", basic("support@a.test", userPassword), append(slices.Concat(read, keyViewers), "POST /v1/payments/{id}/void", "POST /v1/payments/{id}/refunds",
			"POST /v1/customers", "POST /v1/customers/{id}", "DELETE /v1/customers/{id}", "DELETE /v1/customers/{id}/payment-methods/{pm}"), "permission_denied"},
	}
	for _, c := range creds {
		t.Run(c.name, func(t *testing.T) {
			for _, rt := range e.api.RouteTable() {
				if rt.Public {
					continue
				}
				name := rt.Method + " " + rt.Path
				r := e.as(c.authz, rt.Method, fill(rt.Path, "pay_nonexistent"), "{}")
				switch {
				case slices.Contains(c.allowed, name):
					if r.status == 401 || r.status == 403 {
						t.Errorf("%s refused: %d %s", name, r.status, r.body)
					}
				case strings.HasPrefix(rt.Path, "/dashboard/"):
					wantProblem(t, r, 403, "session_required", "")
				case rt.Path == "/b/pbl/v2/payment-methods/":
					// Ottu's route refuses in Ottu's shape (pmconfigs_ottu_test.go).
					if r.status != 403 || r.json(t)["detail"] == nil {
						t.Errorf("%s: %d %s, want Ottu's 403 {detail}", name, r.status, r.body)
					}
				default:
					wantProblem(t, r, 403, c.code, "")
					want := string(rt.Need.Scope)
					if c.code == "permission_denied" {
						want = string(rt.Need.Perm)
					}
					if got := r.json(t)["required"]; got != want {
						t.Errorf("%s: required %v, want %q", name, got, want)
					}
				}
			}
		})
	}
}

func TestAPIKeyAndBasicSchemesAreSecretKeyEquivalents(t *testing.T) {
	e := newEnv(t)
	for name, authz := range map[string]string{
		"Api-Key":            "Api-Key " + e.key,
		"Basic merchant:key": basic(e.mid, e.key),
		"Basic key id:key":   basic(e.keyID, e.key),
		"lower-case bearer":  "bearer " + e.key,
	} {
		if r := e.as(authz, "GET", "/v1/balance", ""); r.status != 200 {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	_, pk := e.newKey(e.key, `{"kind":"publishable"}`)
	for name, authz := range map[string]string{
		"Basic with another merchant's id": basic("mer_someoneelse", e.key),
		"Api-Key with a publishable key":   "Api-Key " + pk,
		"Basic with a publishable key":     basic(e.mid, pk),
		"unknown scheme":                   "Digest " + e.key,
		"Basic without a colon":            "Basic " + base64.StdEncoding.EncodeToString([]byte(e.key)),
	} {
		if r := e.as(authz, "GET", "/v1/balance", ""); r.status != 401 {
			t.Errorf("%s: %d %s, want 401", name, r.status, r.body)
		}
	}
}

func TestKeysAreShownOnceListedMaskedRolledAndRevoked(t *testing.T) {
	e := newEnv(t)
	id, secret := e.newKey(e.key, `{"kind":"restricted","name":"reporting","scopes":["payments:read","refunds:write"]}`)
	if !strings.HasPrefix(secret, "rk_test_") {
		t.Fatalf("restricted sandbox key %q", secret)
	}
	list := e.do("GET", "/v1/api-keys", e.key, "")
	if strings.Contains(string(list.body), secret) || strings.Contains(string(list.body), `"secret":`) {
		t.Fatalf("list shows a secret: %s", list.body)
	}
	if !strings.Contains(string(list.body), secret[len(secret)-4:]) {
		t.Fatalf("list lacks the key's hint: %s", list.body)
	}
	if got := e.do("GET", "/v1/api-keys/"+id, e.key, "").json(t); got["name"] != "reporting" || len(got["scopes"].([]any)) != 2 {
		t.Fatalf("key %v", got)
	}

	// Roll with an overlap: both work; the new one has the same scopes.
	r := e.do("POST", "/v1/api-keys/"+id+"/roll", e.key, `{"overlap_seconds":3600}`)
	if r.status != 201 {
		t.Fatalf("roll: %d %s", r.status, r.body)
	}
	rolled := r.json(t)
	newSecret := rolled["secret"].(string)
	for _, s := range []string{secret, newSecret} {
		if r := e.do("GET", "/v1/balance", s, ""); r.status != 200 {
			t.Fatalf("during the overlap %s: %d", s[:12], r.status)
		}
	}
	if old := e.do("GET", "/v1/api-keys/"+id, e.key, "").json(t); old["status"] != "expiring" || old["expires_at"] == nil {
		t.Fatalf("rolled key %v", old)
	}
	// Roll without overlap: the old one stops at once.
	r = e.do("POST", "/v1/api-keys/"+rolled["id"].(string)+"/roll", e.key, `{}`)
	if r.status != 201 {
		t.Fatalf("roll: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("GET", "/v1/balance", newSecret, ""), 401, "invalid_api_key", "")
	third := r.json(t)
	r = e.do("POST", "/v1/api-keys/"+third["id"].(string)+"/revoke", e.key, "")
	if r.status != 200 || r.json(t)["status"] != "revoked" {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	revokedAt := r.json(t)["expires_at"]
	wantProblem(t, e.do("GET", "/v1/balance", third["secret"].(string), ""), 401, "invalid_api_key", "")
	// Revoking it again changes nothing and says so.
	if r := e.do("POST", "/v1/api-keys/"+third["id"].(string)+"/revoke", e.key, ""); r.status != 200 || r.json(t)["status"] != "revoked" || r.json(t)["expires_at"] != revokedAt || revokedAt == nil {
		t.Fatalf("second revoke: %d %s (first revoked at %v)", r.status, r.body, revokedAt)
	}
	wantProblem(t, e.do("POST", "/v1/api-keys/key_nope/revoke", e.key, ""), 404, "resource_missing", "")
	wantProblem(t, e.do("POST", "/v1/api-keys/"+id+"/roll", e.key, `{"overlap_seconds":999999999}`), 400, "parameter_invalid", "overlap_seconds")
	wantProblem(t, e.do("POST", "/v1/api-keys", e.key, `{"kind":"restricted","scopes":["payments:steal"]}`), 400, "parameter_invalid", "scopes")
	wantProblem(t, e.do("POST", "/v1/api-keys", e.key, `{"kind":"restricted"}`), 400, "parameter_missing", "scopes")
	wantProblem(t, e.do("POST", "/v1/api-keys", e.key, `{"kind":"root"}`), 400, "parameter_invalid", "kind")
}

func TestNoCredentialCanMintAMorePowerfulOne(t *testing.T) {
	e := newEnv(t)
	_, keysOnly := e.newKey(e.key, `{"kind":"restricted","scopes":["keys:write","payments:read"]}`)
	wantProblem(t, e.do("POST", "/v1/api-keys", keysOnly, `{"kind":"secret"}`), 403, "secret_key_required", "")
	r := e.do("POST", "/v1/api-keys", keysOnly, `{"kind":"restricted","scopes":["refunds:write"]}`)
	wantProblem(t, r, 403, "insufficient_scope", "")
	if r := e.do("POST", "/v1/api-keys", keysOnly, `{"kind":"restricted","scopes":["payments:read"]}`); r.status != 201 {
		t.Fatalf("a subset of its own scopes: %d %s", r.status, r.body)
	}
	// A sandbox secret key cannot create people, who act in live mode too.
	wantProblem(t, e.do("POST", "/v1/users", e.key, `{"email":"x@a.test","role":"owner"}`), 403, "insufficient_scope", "")
	// An admin cannot make an owner, nor grant what they do not have.
	e.newUser("admin@a.test", "admin")
	e.newUser("dev@a.test", "developer")
	admin := basic("admin@a.test", userPassword)
	wantProblem(t, e.as(admin, "POST", "/v1/users", `{"email":"o@a.test","role":"owner"}`, "Paygate-Mode", "live"), 403, "permission_denied", "")
	dev := basic("dev@a.test", userPassword)
	wantProblem(t, e.as(dev, "POST", "/v1/api-keys", `{"kind":"secret"}`), 403, "permission_denied", "")
	if r := e.as(dev, "POST", "/v1/api-keys", `{"kind":"restricted","scopes":["payments:read"]}`); r.status != 201 {
		t.Fatalf("developer creating a restricted key: %d %s", r.status, r.body)
	}
}

func TestPeopleAreLimitedToTheirPermissionsAndGateways(t *testing.T) {
	e := newEnv(t)
	devID := e.newUser("dev@a.test", "developer", "use:knet")
	dev := basic("dev@a.test", userPassword)
	r := e.as(dev, "POST", "/v1/payments", saleBody(1000, "4242424242424242", "automatic"))
	wantProblem(t, r, 403, "permission_denied", "")
	if r.json(t)["required"] != "use:sandbox" {
		t.Fatalf("refusal names %v", r.json(t)["required"])
	}
	if n := len(e.do("GET", "/v1/payments", e.key, "").json(t)["data"].([]any)); n != 0 {
		t.Fatalf("a refused payment was recorded: %d payments", n)
	}
	if r := e.do("POST", "/v1/users/"+devID, e.live, `{"permissions":["use:knet","use:sandbox"]}`); r.status != 200 {
		t.Fatalf("grant: %d %s", r.status, r.body)
	}
	// The grant applies within the credential cache's TTL.
	var payID string
	for range 100 {
		if r = e.as(dev, "POST", "/v1/payments", saleBody(1000, "4242424242424242", "automatic")); r.status == 201 {
			payID = r.json(t)["id"].(string)
			break
		}
	}
	if payID == "" {
		t.Fatalf("after the grant: %d %s", r.status, r.body)
	}
	e.newUser("analyst@a.test", "analyst")
	analyst := basic("analyst@a.test", userPassword)
	r = e.as(analyst, "POST", "/v1/payments/"+payID+"/refunds", `{"amount":100}`)
	wantProblem(t, r, 403, "permission_denied", "")
	if r.json(t)["required"] != "refund" {
		t.Fatalf("refusal names %v", r.json(t)["required"])
	}
	if r := e.as(analyst, "GET", "/v1/payments/"+payID, ""); r.status != 200 {
		t.Fatalf("analyst reading: %d", r.status)
	}
	// Live mode is chosen by header; a sandbox payment is not visible there.
	wantProblem(t, e.as(analyst, "GET", "/v1/payments/"+payID, "", "Paygate-Mode", "live"), 404, "resource_missing", "")
	wantProblem(t, e.as(analyst, "GET", "/v1/payments/"+payID, "", "Paygate-Mode", "production"), 400, "parameter_invalid", "Paygate-Mode")
	// Disabling a person stops their credentials.
	if r := e.do("POST", "/v1/users/"+devID, e.live, `{"disabled":true}`); r.status != 200 {
		t.Fatalf("disable: %d %s", r.status, r.body)
	}
	for i := 0; ; i++ {
		if r := e.as(dev, "GET", "/v1/balance", ""); r.status == 401 {
			break
		} else if i > 100 {
			t.Fatalf("disabled person still accepted: %d", r.status)
		}
	}
	wantProblem(t, e.as(basic("analyst@a.test", "wrong password!"), "GET", "/v1/balance", ""), 401, "invalid_credentials", "")
	wantProblem(t, e.as(basic("nobody@a.test", userPassword), "GET", "/v1/balance", ""), 401, "invalid_credentials", "")
}

var _ = http.StatusOK
var _ = api.DefaultRateLimits
