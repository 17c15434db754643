package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// keyWorks reports whether the API takes a secret.
func (e *env) keyWorks(secret string) bool {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+"/v1/balance", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}

// TestCreateKeyShowsItOnceAndRevokeAsksFirst makes a key from the
// Developers page (its secret on that one answer), then revokes it after a
// confirmation; forged posts without manage_keys or the CSRF token fail.
func TestCreateKeyShowsItOnceAndRevokeAsksFirst(t *testing.T) {
	e := newEnv(t)
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	csrf := owner.get("/dashboard/developers").csrf(t)
	count := func() int { return len(e.api("GET", "/v1/api-keys", "")["data"].([]any)) }
	n := count()
	for _, who := range []*browserless{analyst, support} {
		mine := who.get("/dashboard/")
		if p := who.post("/dashboard/developers/keys", url.Values{"csrf": {mine.csrf(t)}, "kind": {"secret"}, "name": {"stolen"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged create without manage_keys: %d", p.status)
		}
	}
	if p := owner.post("/dashboard/developers/keys", url.Values{"kind": {"secret"}, "name": {"x"}}); p.status != http.StatusForbidden {
		t.Fatalf("create without CSRF: %d", p.status)
	}
	if count() != n {
		t.Fatal("a refused post made a key")
	}
	made := owner.post("/dashboard/developers/keys", url.Values{"csrf": {csrf}, "kind": {"secret"}, "name": {"ci deploys"}})
	secret := regexpFind(t, made.body, `id="new-key-secret">([^<]+)<`)
	if made.status != http.StatusCreated || !strings.HasPrefix(secret, "sk_test_") || made.header.Get("Cache-Control") != "no-store" || count() != n+1 {
		t.Fatalf("create: %d\n%s", made.status, made.body)
	}
	if !e.keyWorks(secret) {
		t.Fatal("the new key does not work")
	}
	id := ""
	for _, k := range e.api("GET", "/v1/api-keys", "")["data"].([]any) {
		if m := k.(map[string]any); m["name"] == "ci deploys" {
			id = m["id"].(string)
		}
	}
	list := owner.get("/dashboard/developers")
	if strings.Contains(list.body, secret) || !strings.Contains(list.body, `id="revoke-`+id+`"`) {
		t.Fatalf("the page shows the secret again or has no revoke button:\n%s", list.body)
	}
	// The list says whom each key acts for: the owner who made it, or the system.
	if !strings.Contains(list.body, `<td data-label="Name">ci deploys</td><td data-label="Acts for">owner@shop.test</td>`) ||
		!strings.Contains(list.body, `<td data-label="Acts for"><small>the system</small></td>`) {
		t.Fatalf("the keys list does not say whom keys act for:\n%s", list.body)
	}

	path := "/dashboard/developers/keys/" + id + "/revoke"
	for _, who := range []*browserless{analyst, support} {
		mine := who.get("/dashboard/")
		if p := who.post(path, url.Values{"csrf": {mine.csrf(t)}, "step": {"confirm"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged revoke: %d", p.status)
		}
	}
	if p := owner.post(path, url.Values{"step": {"confirm"}}); p.status != http.StatusForbidden {
		t.Fatalf("revoke without CSRF: %d", p.status)
	}
	// The list's button asks first: the key keeps working until confirmed.
	review := owner.post(path, url.Values{"csrf": {csrf}, "step": {"review"}})
	if review.status != 200 || !strings.Contains(review.body, "Yes, revoke the key") || !strings.Contains(review.body, "(ci deploys)") {
		t.Fatalf("revoke review: %d\n%s", review.status, review.body)
	}
	for _, k := range e.api("GET", "/v1/api-keys", "")["data"].([]any) {
		if m := k.(map[string]any); m["id"] == id && m["status"] != "active" {
			t.Fatalf("asking revoked the key: %v", m)
		}
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=revoked") {
		t.Fatalf("revoke: %d %s", p.status, p.header.Get("Location"))
	}
	// The API trusts a verified key for its auth cache's TTL (2 s by
	// default); the dashboard cannot clear that cache, so the key stops
	// within it.
	for deadline := time.Now().Add(5 * time.Second); e.keyWorks(secret); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the revoked key still works after 5 s")
		}
	}
	if p := owner.get("/dashboard/developers?done=revoked"); !strings.Contains(p.body, "The key was revoked.") || strings.Contains(p.body, `id="revoke-`+id+`"`) {
		t.Fatalf("after revoking:\n%s", p.body)
	}
}

// TestResendDeliveryNeedsManageWebhooks resends a delivery from the
// webhooks page and from the payment's timeline: the receiver gets it
// again; a forged resend without manage_webhooks is refused and sends
// nothing.
func TestResendDeliveryNeedsManageWebhooks(t *testing.T) {
	e := newEnv(t)
	pay := e.pay(1500, "4242424242424242", "order-1")
	e.dispatch()
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	hooks := owner.get("/dashboard/webhooks")
	ids := regexpMust(`/dashboard/webhooks/deliveries/([^/]+)/resend`).FindAllStringSubmatch(hooks.body, -1)
	if len(ids) == 0 {
		t.Fatalf("no Resend buttons:\n%s", hooks.body)
	}
	delivery, csrf := ids[0][1], hooks.csrf(t)
	path := "/dashboard/webhooks/deliveries/" + delivery + "/resend"
	before := e.hooks.Load()
	for _, who := range []*browserless{analyst, support} {
		mine := who.get("/dashboard/payments/" + pay)
		if strings.Contains(mine.body, "/resend") {
			t.Fatal("a person without manage_webhooks sees Resend")
		}
		if p := who.post(path, url.Values{"csrf": {mine.csrf(t)}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged resend: %d", p.status)
		}
	}
	if p := owner.post(path, url.Values{}); p.status != http.StatusForbidden {
		t.Fatalf("resend without CSRF: %d", p.status)
	}
	e.dispatch()
	if got := e.hooks.Load(); got != before {
		t.Fatalf("refused resends sent %d deliveries", got-before)
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}}); p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "/dashboard/webhooks?done=resend") {
		t.Fatalf("resend: %d %s", p.status, p.header.Get("Location"))
	}
	e.dispatch()
	if got := e.hooks.Load(); got != before+1 {
		t.Fatalf("the receiver got %d more deliveries, want 1", got-before)
	}
	// From the payment page it comes back to the payment.
	if p := owner.post(path, url.Values{"csrf": {csrf}, "payment": {pay}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/dashboard/payments/"+pay+"?done=resend" {
		t.Fatalf("resend from the payment: %d %s", p.status, p.header.Get("Location"))
	}
	e.dispatch()
	if got := e.hooks.Load(); got != before+2 {
		t.Fatalf("the receiver got %d more deliveries, want 2", got-before)
	}
	if p := owner.get("/dashboard/payments/" + pay + "?done=resend"); !strings.Contains(p.body, "The delivery will be sent again shortly.") {
		t.Fatal("no notice after the resend")
	}
}
