package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRollKeyConfirmedShowsTheSecretOnce(t *testing.T) {
	e := newEnv(t)
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	keys := func() []map[string]any {
		var out []map[string]any
		for _, k := range e.api("GET", "/v1/api-keys", "")["data"].([]any) {
			out = append(out, k.(map[string]any))
		}
		return out
	}
	id, n := "", len(keys())
	for _, k := range keys() {
		if k["kind"] == "secret" && strings.HasPrefix(e.sk, strings.SplitN(k["hint"].(string), "…", 2)[0]) {
			id = k["id"].(string)
		}
	}
	if id == "" {
		id = keys()[0]["id"].(string)
	}
	dev := owner.get("/dashboard/developers")
	if dev.status != 200 || !strings.Contains(dev.body, `id="roll-`+id+`"`) {
		t.Fatalf("developers page has no roll button: %d\n%s", dev.status, dev.body)
	}
	csrf, path := dev.csrf(t), "/dashboard/developers/keys/"+id+"/roll"
	for _, who := range []*browserless{analyst, support} {
		mine := who.get("/dashboard/")
		if p := who.post(path, url.Values{"csrf": {mine.csrf(t)}, "step": {"confirm"}, "overlap": {"0"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged roll without manage_keys: %d", p.status)
		}
	}
	if p := owner.post(path, url.Values{"step": {"confirm"}, "overlap": {"0"}}); p.status != http.StatusForbidden {
		t.Fatalf("roll without CSRF: %d", p.status)
	}
	if p := owner.do("POST", path, url.Values{"csrf": {csrf}, "step": {"confirm"}, "overlap": {"0"}}, "https://evil.test"); p.status != http.StatusForbidden {
		t.Fatalf("roll from another origin: %d", p.status)
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "step": {"review"}, "overlap": {"999999999"}}); p.status != 400 || !strings.Contains(p.body, "overlap") {
		t.Fatalf("a bad overlap: %d\n%s", p.status, p.body)
	}
	review := owner.post(path, url.Values{"csrf": {csrf}, "step": {"review"}, "overlap": {"3600"}})
	if review.status != 200 || !strings.Contains(review.body, "Yes, roll the key") || !strings.Contains(review.body, "works 1 more hour") ||
		!strings.Contains(review.body, `name="overlap" value="3600"`) {
		t.Fatalf("roll review: %d\n%s", review.status, review.body)
	}
	if len(keys()) != n {
		t.Fatal("a refused or unconfirmed roll made a key")
	}
	for _, k := range keys() {
		if k["status"] != "active" {
			t.Fatalf("a refused or unconfirmed roll ended a key: %v", k)
		}
	}
	done := owner.post(path, url.Values{"csrf": {csrf}, "step": {"confirm"}, "overlap": {"3600"}})
	secret := regexpFind(t, done.body, `id="new-key-secret">([^<]+)<`)
	if done.status != http.StatusCreated || !strings.HasPrefix(secret, "sk_test_") || done.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("roll: %d\n%s", done.status, done.body)
	}
	if len(keys()) != n+1 {
		t.Fatal("the roll made no key")
	}
	for _, k := range keys() {
		if k["id"] == id && (k["status"] != "expiring" || k["expires_at"] == nil) {
			t.Fatalf("the old key after the roll: %v", k)
		}
	}
	// The new key works; the page never shows its secret again.
	req, _ := http.NewRequest("GET", e.url+"/v1/api-keys", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the new key: %v %v", resp, err)
	}
	if p := owner.get("/dashboard/developers"); strings.Contains(p.body, secret) || strings.Contains(p.body, `id="roll-`+id+`"`) {
		t.Fatal("the page shows the secret again, or offers to roll the ending key")
	}
	// A reload of the confirmation rolls nothing more.
	if p := owner.post(path, url.Values{"csrf": {csrf}, "step": {"confirm"}, "overlap": {"3600"}}); p.status != http.StatusConflict || len(keys()) != n+1 {
		t.Fatalf("rolling again: %d, %d keys", p.status, len(keys()))
	}
	if p := owner.post("/dashboard/developers/keys/key_nope/roll", url.Values{"csrf": {csrf}, "overlap": {"0"}}); p.status != 404 {
		t.Fatalf("unknown key: %d", p.status)
	}
}
