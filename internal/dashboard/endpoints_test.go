package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestWebhookEndpointsAddEditDelete(t *testing.T) {
	e := newEnv(t)
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	page := owner.get("/dashboard/webhooks")
	if page.status != 200 || !strings.Contains(page.body, `id="endpoint-form"`) || !strings.Contains(page.body, `value="payment.captured"`) {
		t.Fatalf("webhooks page: %d", page.status)
	}
	csrf := page.csrf(t)
	add := url.Values{"csrf": {csrf}, "url": {"https://shop.test/new-hooks"}, "description": {"orders"}, "event_types": {"payment.captured", "refund.succeeded"}}
	count := func() int { return len(e.api("GET", "/v1/webhook-endpoints", "")["data"].([]any)) }

	// Refusals: no CSRF, another origin, no manage_webhooks.
	noCSRF := url.Values{"url": {"https://shop.test/x"}}
	if p := owner.post("/dashboard/webhooks/endpoints", noCSRF); p.status != http.StatusForbidden {
		t.Fatalf("add without CSRF: %d", p.status)
	}
	if p := owner.do("POST", "/dashboard/webhooks/endpoints", add, "https://evil.test"); p.status != http.StatusForbidden {
		t.Fatalf("add from another origin: %d", p.status)
	}
	for _, who := range []*browserless{analyst, support} {
		mine := who.get("/dashboard/")
		forged := url.Values{"csrf": {mine.csrf(t)}, "url": {"https://evil.test/steal"}}
		if p := who.post("/dashboard/webhooks/endpoints", forged); p.status != http.StatusForbidden {
			t.Fatalf("a forged add without manage_webhooks: %d", p.status)
		}
	}
	if count() != 1 {
		t.Fatalf("refused posts added endpoints: %d", count())
	}
	bad := url.Values{"csrf": {csrf}, "url": {"not a url"}, "description": {"typed"}}
	if p := owner.post("/dashboard/webhooks/endpoints", bad); p.status != 400 || !strings.Contains(p.body, "absolute http or https URL") || !strings.Contains(p.body, `value="typed"`) {
		t.Fatalf("a bad URL: %d\n%s", p.status, p.body)
	}
	made := owner.post("/dashboard/webhooks/endpoints", add)
	secret := regexpFind(t, made.body, `id="new-key-secret">([^<]+)<`)
	if made.status != http.StatusCreated || len(secret) < 20 || made.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("add: %d\n%s", made.status, made.body)
	}
	if count() != 2 {
		t.Fatal("the endpoint was not added")
	}
	id := ""
	for _, ep := range e.api("GET", "/v1/webhook-endpoints", "")["data"].([]any) {
		if m := ep.(map[string]any); m["url"] == "https://shop.test/new-hooks" {
			id = m["id"].(string)
			if len(m["event_types"].([]any)) != 2 || m["description"] != "orders" {
				t.Fatalf("the added endpoint: %v", m)
			}
		}
	}
	list := owner.get("/dashboard/webhooks")
	if strings.Contains(list.body, secret) || !strings.Contains(list.body, "/dashboard/webhooks/endpoints/"+id) {
		t.Fatal("the list shows the secret again or has no edit link")
	}

	path := "/dashboard/webhooks/endpoints/" + id
	edit := owner.get(path)
	if edit.status != 200 || !strings.Contains(edit.body, `value="payment.captured" checked`) || strings.Contains(edit.body, `value="payment.failed" checked`) {
		t.Fatalf("edit page: %d\n%s", edit.status, edit.body)
	}
	for _, who := range []*browserless{analyst, support} {
		if p := who.get(path); p.status != http.StatusForbidden {
			t.Fatalf("edit page without manage_webhooks: %d", p.status)
		}
		mine := who.get("/dashboard/")
		if p := who.post(path, url.Values{"csrf": {mine.csrf(t)}, "url": {"https://evil.test/steal"}, "enabled": {"1"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged edit: %d", p.status)
		}
		if p := who.post(path+"/delete", url.Values{"csrf": {mine.csrf(t)}, "step": {"confirm"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged delete: %d", p.status)
		}
	}
	if p := owner.post(path, url.Values{"url": {"https://evil.test/steal"}}); p.status != http.StatusForbidden {
		t.Fatalf("edit without CSRF: %d", p.status)
	}
	// Everything is posted: no ticked type means all, no "enabled" disables.
	if p := owner.post(path, url.Values{"csrf": {csrf}, "url": {"https://shop.test/v2-hooks"}, "description": {""}}); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=endpoint-updated") {
		t.Fatalf("save: %d %s", p.status, p.header.Get("Location"))
	}
	got := e.api("GET", "/v1/webhook-endpoints/"+id, "")
	if got["url"] != "https://shop.test/v2-hooks" || got["enabled"] != false || len(got["event_types"].([]any)) != 0 {
		t.Fatalf("after saving: %v", got)
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "url": {"ftp://x"}, "enabled": {"1"}}); p.status != 400 || !strings.Contains(p.body, `value="ftp://x"`) {
		t.Fatalf("a bad edit: %d\n%s", p.status, p.body)
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "url": {"https://shop.test/v2-hooks"}, "enabled": {"1"}, "event_types": {"invoice.paid"}}); p.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", p.status)
	}
	if got := e.api("GET", "/v1/webhook-endpoints/"+id, ""); got["enabled"] != true || len(got["event_types"].([]any)) != 1 {
		t.Fatalf("after enabling: %v", got)
	}

	if p := owner.post(path+"/delete", url.Values{"csrf": {csrf}, "step": {"review"}}); p.status != 200 || !strings.Contains(p.body, "Yes, delete the endpoint") {
		t.Fatalf("delete review: %d", p.status)
	}
	if count() != 2 {
		t.Fatal("the review deleted the endpoint")
	}
	if p := owner.post(path+"/delete", url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=endpoint-deleted") {
		t.Fatalf("delete: %d %s", p.status, p.header.Get("Location"))
	}
	if count() != 1 {
		t.Fatal("the endpoint is still there")
	}
	if p := owner.get(path); p.status != 404 {
		t.Fatalf("a deleted endpoint's page: %d", p.status)
	}
}
