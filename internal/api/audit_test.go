package api_test

import (
	"net/url"
	"testing"
)

func TestSecurityActsAreAuditedWithActorSourceAndRequestID(t *testing.T) {
	e := newEnv(t)
	keyID, secret := e.newKey(e.key, `{"kind":"restricted","scopes":["payments:read"]}`)
	e.do("POST", "/v1/api-keys/"+keyID+"/roll", e.key, `{"overlap_seconds":60}`)
	e.do("POST", "/v1/api-keys/"+keyID+"/revoke", e.key, "")
	userID := e.newUser("sup@a.test", "support")
	e.do("POST", "/v1/users/"+userID, e.live, `{"permissions":["payout"]}`)
	e.browser().login("sup@a.test", "wrong password!", "")
	e.browser().login("sup@a.test", userPassword, "")
	payID := e.pay(saleBody(1000, "4242424242424242", "automatic"), 201)
	r := e.as(basic("sup@a.test", userPassword), "POST", "/v1/payments/"+payID+"/refunds", `{"amount":100}`, "X-Request-Id", "req-refund-1")
	if r.status != 201 {
		t.Fatalf("refund by support: %d %s", r.status, r.body)
	}
	authID := e.pay(saleBody(1000, "4242424242424242", "manual"), 201)
	e.do("POST", "/v1/payments/"+authID+"/void", e.key, "")
	e.postForm("/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {keyID}, "client_secret": {secret}})

	list := e.do("GET", "/v1/audit-events?limit=100", e.key, "")
	if list.status != 200 {
		t.Fatalf("audit list: %d %s", list.status, list.body)
	}
	seen := map[string]map[string]any{}
	for _, ev := range list.json(t)["data"].([]any) {
		m := ev.(map[string]any)
		seen[m["action"].(string)] = m
		if m["actor"].(map[string]any)["type"] == "system" {
			continue // the test harness's own setup, outside any request
		}
		if m["ip"] != "127.0.0.1" || m["request_id"] == "" || m["created_at"] == "" {
			t.Errorf("event lacks its source: %v", m)
		}
	}
	for _, want := range []string{"api_key.created", "api_key.rolled", "api_key.revoked", "user.created", "user.permissions_changed",
		"login.failed", "login.succeeded", "refund.created", "payment.voided"} {
		if seen[want] == nil {
			t.Errorf("no %s event in %s", want, list.body)
		}
	}
	refund := seen["refund.created"]
	if refund["actor"].(map[string]any)["id"] != userID || refund["request_id"] != "req-refund-1" ||
		refund["target"].(map[string]any)["id"] != payID || refund["details"].(map[string]any)["amount"] != "100" {
		t.Fatalf("refund event %v", refund)
	}
	perm := seen["user.permissions_changed"]["details"].(map[string]any)
	if perm["permissions_after"] == perm["permissions_before"] {
		t.Fatalf("permission change without before and after: %v", perm)
	}
	// Filters and pagination.
	only := e.do("GET", "/v1/audit-events?action=api_key.revoked", e.key, "").json(t)["data"].([]any)
	if len(only) != 1 {
		t.Fatalf("filter by action: %v", only)
	}
	page := e.do("GET", "/v1/audit-events?limit=2", e.key, "").json(t)
	next := e.do("GET", "/v1/audit-events?limit=2&starting_after="+page["next_cursor"].(string), e.key, "").json(t)
	if page["has_more"] != true || next["data"].([]any)[0].(map[string]any)["id"] == page["data"].([]any)[1].(map[string]any)["id"] {
		t.Fatalf("pagination: %v then %v", page, next)
	}
	wantProblem(t, e.do("GET", "/v1/audit-events?limit=101", e.key, ""), 400, "parameter_invalid", "limit")
	// Another merchant sees none of it.
	if other := e.do("GET", "/v1/audit-events", e.other, "").json(t)["data"].([]any); len(other) != 0 {
		t.Fatalf("merchant B sees A's audit log: %v", other)
	}
}
