package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEveryPageAnswersItsOwnerAndRefusesOthers opens every page as an
// owner, an analyst and a support agent, and signed out.
func TestEveryPageAnswersItsOwnerAndRefusesOthers(t *testing.T) {
	e := newEnv(t)
	id := e.pay(1500, "4242424242424242", "order-1")
	e.dispatch()
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	for _, c := range []struct {
		path             string
		analyst, support int
		ownerMustContain string
	}{
		{"/dashboard/", 200, 200, "Approved volume"},
		{"/dashboard/payments", 200, 200, id},
		{"/dashboard/payments/" + id, 200, 200, "payment.captured"},
		{"/dashboard/events", 200, 200, "payment.captured"},
		{"/dashboard/webhooks", 403, 403, "/hooks"},
		{"/dashboard/developers", 403, 403, "sk_test_"},
		{"/dashboard/developers/encryption-key.pem", 200, 200, "BEGIN PUBLIC KEY"},
		{"/dashboard/team", 403, 403, "analyst@shop.test"},
		{"/dashboard/team/users/" + e.user("analyst@shop.test").ID, 403, 403, `id="user-form"`},
		{"/dashboard/developers/configs/new", 403, 403, `id="config-form"`},
		{"/dashboard/two-factor", 200, 200, `id="totp-setup-form"`},
		{"/dashboard/audit", 200, 403, `">owner@shop.test</span></td>`}, // a person's act names them
		{"/dashboard/customers", 200, 200, "<h1>Customers</h1>"},
		{"/dashboard/invoices", 200, 200, `id="new-invoice"`},
		{"/dashboard/invoices/new", 403, 403, `id="invoice-form"`},
		{"/dashboard/payouts", 200, 200, "<h1>Payouts</h1>"},
		{"/dashboard/subscriptions", 200, 200, "<h1>Subscriptions</h1>"},
	} {
		t.Run(c.path, func(t *testing.T) {
			p := owner.get(c.path)
			if p.status != 200 || !strings.Contains(p.body, c.ownerMustContain) {
				t.Fatalf("owner: %d, want %q in\n%s", p.status, c.ownerMustContain, p.body)
			}
			if !strings.HasSuffix(c.path, ".pem") {
				if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'nonce-") || strings.Contains(csp, "unsafe") {
					t.Fatalf("CSP %q", csp)
				}
			}
			if p := analyst.get(c.path); p.status != c.analyst {
				t.Fatalf("analyst: %d, want %d", p.status, c.analyst)
			}
			if p := support.get(c.path); p.status != c.support {
				t.Fatalf("support: %d, want %d", p.status, c.support)
			}
			if p := (&browserless{e: e}).get(c.path); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/dashboard/sign-in?next=") {
				t.Fatalf("signed out: %d %s", p.status, p.header.Get("Location"))
			}
		})
	}
	t.Run("the sign-in page and an unknown page", func(t *testing.T) {
		if p := (&browserless{e: e}).get("/dashboard/sign-in"); p.status != 200 || !strings.Contains(p.body, `id="sign-in-form"`) {
			t.Fatalf("sign-in page %d", p.status)
		}
		if p := owner.get("/dashboard/nope"); p.status != 404 {
			t.Fatalf("unknown page %d", p.status)
		}
		if p := owner.get("/dashboard/payments/pay_nope"); p.status != 404 {
			t.Fatalf("unknown payment %d", p.status)
		}
	})
}

func TestSignInRefusesWrongPasswordsAndSignsOut(t *testing.T) {
	e := newEnv(t)
	anon := &browserless{e: e}
	p := anon.post("/dashboard/sign-in", url.Values{"email": {"owner@shop.test"}, "password": {"wrong"}})
	if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "not right") || strings.Contains(p.body, "wrong") {
		t.Fatalf("wrong password: %d\n%s", p.status, p.body)
	}
	if p := anon.do("POST", "/dashboard/sign-in", url.Values{"email": {"owner@shop.test"}, "password": {password}}, "https://evil.test"); p.status != http.StatusForbidden {
		t.Fatalf("a sign-in from another site: %d", p.status)
	}
	owner := e.signIn("owner@shop.test")
	// The API accepts the same session, with the same CSRF token.
	home := owner.get("/dashboard/")
	req, _ := http.NewRequest("GET", e.url+"/dashboard/session", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-paygate_session", Value: owner.session})
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the API does not know the dashboard's session: %v %v", resp, err)
	}
	resp.Body.Close()
	if p := owner.post("/dashboard/sign-out", url.Values{}); p.status != http.StatusForbidden {
		t.Fatalf("sign out without CSRF: %d", p.status)
	}
	if p := owner.post("/dashboard/sign-out", url.Values{"csrf": {home.csrf(t)}}); p.status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", p.status)
	}
	if p := owner.get("/dashboard/"); p.status != http.StatusSeeOther {
		t.Fatalf("after signing out: %d", p.status)
	}
}

func TestModeSwitchShowsTheOtherBook(t *testing.T) {
	e := newEnv(t)
	id := e.pay(1500, "4242424242424242", "order-1")
	owner := e.signIn("owner@shop.test")
	home := owner.get("/dashboard/payments")
	if !strings.Contains(home.body, id) || !strings.Contains(home.body, "Sandbox data") {
		t.Fatal("sandbox list")
	}
	p := owner.post("/dashboard/mode", url.Values{"csrf": {home.csrf(t)}, "mode": {"live"}, "back": {"/dashboard/payments"}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Set-Cookie"), "__Host-paygate_mode=live") {
		t.Fatalf("switch: %d %v", p.status, p.header)
	}
	owner.mode = "live"
	live := owner.get("/dashboard/payments")
	if strings.Contains(live.body, id) || !strings.Contains(live.body, "LIVE data") {
		t.Fatal("the live list shows a sandbox payment")
	}
	if p := owner.get("/dashboard/payments/" + id); p.status != 404 {
		t.Fatalf("a sandbox payment in live mode: %d", p.status)
	}
}

// TestRefundNeedsConfirmationPermissionAndCSRF refunds part of a payment
// through the two steps, and checks each refusal.
func TestRefundNeedsConfirmationPermissionAndCSRF(t *testing.T) {
	e := newEnv(t)
	id := e.pay(1500, "4242424242424242", "order-1")
	owner, analyst := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test")
	detail := owner.get("/dashboard/payments/" + id)
	if !strings.Contains(detail.body, `id="refund-form"`) {
		t.Fatal("the owner has no refund form")
	}
	csrf := detail.csrf(t)
	path := "/dashboard/payments/" + id + "/refund"
	if p := owner.post(path, url.Values{"step": {"confirm"}, "amount": {"4.00"}, "key": {"dash_x"}}); p.status != http.StatusForbidden {
		t.Fatalf("a refund without CSRF: %d", p.status)
	}
	if p := owner.post(path, url.Values{"csrf": {"forged"}, "step": {"confirm"}, "amount": {"4.00"}, "key": {"dash_x"}}); p.status != http.StatusForbidden {
		t.Fatalf("a refund with a wrong CSRF token: %d", p.status)
	}
	if p := owner.do("POST", path, url.Values{"csrf": {csrf}, "step": {"confirm"}, "amount": {"4.00"}, "key": {"dash_x"}}, "https://evil.test"); p.status != http.StatusForbidden {
		t.Fatalf("a refund from another origin: %d", p.status)
	}
	an := analyst.get("/dashboard/payments/" + id)
	if strings.Contains(an.body, "refund-form") {
		t.Fatal("the analyst sees the refund form")
	}
	if p := analyst.post(path, url.Values{"csrf": {an.csrf(t)}, "step": {"confirm"}, "amount": {"4.00"}, "key": {"dash_y"}}); p.status != http.StatusForbidden {
		t.Fatalf("a forged refund without the permission: %d", p.status)
	}
	if over := owner.post(path, url.Values{"csrf": {csrf}, "step": {"review"}, "amount": {"5000.00"}}); over.status != http.StatusBadRequest ||
		!strings.Contains(over.body, "USD 5000.00 is more than the USD 15.00 left to refund") || !strings.Contains(over.body, "left to refund") || strings.Contains(over.body, `id="confirm-form"`) {
		t.Fatalf("a refund review beyond what is left: %d\n%s", over.status, over.body)
	}
	if long := owner.post(path, url.Values{"csrf": {csrf}, "step": {"review"}, "amount": {"4.00"}, "reason": {strings.Repeat("é", 501)}}); long.status != http.StatusBadRequest ||
		!strings.Contains(long.body, "keep it to 500") || strings.Contains(long.body, `id="confirm-form"`) {
		t.Fatalf("a refund reason too long for the engine reached the confirmation: %d", long.status)
	}
	review := owner.post(path, url.Values{"csrf": {csrf}, "step": {"review"}, "amount": {"4.00"}})
	if review.status != 200 || !strings.Contains(review.body, "Refund USD 4.00 of payment "+id) {
		t.Fatalf("review: %d\n%s", review.status, review.body)
	}
	if e.api("GET", "/v1/payments/"+id, "")["amount_refunded"].(float64) != 0 {
		t.Fatal("the review step refunded")
	}
	key := regexpFind(t, review.body, `name="key" value="([^"]+)"`)
	confirm := url.Values{"csrf": {csrf}, "step": {"confirm"}, "amount": {"4.00"}, "reason": {""}, "key": {key}}
	if p := owner.post(path, confirm); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=refund") {
		t.Fatalf("confirm: %d %v", p.status, p.header.Get("Location"))
	}
	if p := owner.post(path, confirm); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=replay") {
		t.Fatalf("confirming twice: %d %v", p.status, p.header.Get("Location"))
	}
	if got := e.api("GET", "/v1/payments/"+id, "")["amount_refunded"].(float64); got != 400 {
		t.Fatalf("refunded %v", got)
	}
	e.dispatch()
	after := owner.get("/dashboard/payments/" + id)
	for _, want := range []string{"Refund succeeded", "refund.succeeded", "USD -4.00", "partially_refunded", `class="d-status">succeeded`} {
		if !strings.Contains(after.body, want) {
			t.Fatalf("after the refund the page lacks %q:\n%s", want, after.body)
		}
	}
}

func TestCardDetailsNeedThePermission(t *testing.T) {
	e := newEnv(t)
	id := e.pay(1500, "4242424242424242", "order-1")
	for _, c := range []struct {
		who            string
		first6, holder bool
	}{{"owner@shop.test", true, true}, {"support@shop.test", false, false}} {
		p := e.signIn(c.who)
		for _, path := range []string{"/dashboard/payments", "/dashboard/payments/" + id} {
			body := p.get(path).body
			if !strings.Contains(body, "4242") || strings.Contains(body, "4242424242424242") {
				t.Fatalf("%s %s: last four missing or the number shown", c.who, path)
			}
			if strings.Contains(body, "424242") != c.first6 {
				t.Fatalf("%s %s: first six shown = %v", c.who, path, !c.first6)
			}
		}
		if strings.Contains(p.get("/dashboard/payments/"+id).body, "Jane Doe") != c.holder {
			t.Fatalf("%s: holder shown = %v", c.who, !c.holder)
		}
	}
}

func TestPaymentSearchFiltersAndPages(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 3 {
		ids = append(ids, e.pay(1000+i*1000, "4242424242424242", "order-"+string(rune('a'+i))))
	}
	visa2 := e.pay(5000, "4000056655665556", "order-z")
	owner := e.signIn("owner@shop.test")
	for _, c := range []struct {
		query   string
		want    []string
		notWant []string
	}{
		{"last4=5556", []string{visa2}, ids},
		{"reference=order-b", []string{ids[1]}, []string{ids[0], ids[2], visa2}},
		{"customer=cus-order-c", []string{ids[2]}, []string{ids[0], visa2}},
		{"amount_min=15&amount_max=30", []string{ids[1], ids[2]}, []string{ids[0], visa2}},
		{"status=failed", nil, append(ids, visa2)},
		{"from=2000-01-01&to=2999-01-01", append(ids, visa2), nil},
	} {
		p := owner.get("/dashboard/payments?" + c.query)
		for _, id := range c.want {
			if !strings.Contains(p.body, id) {
				t.Fatalf("%s: missing %s", c.query, id)
			}
		}
		for _, id := range c.notWant {
			if strings.Contains(p.body, id) {
				t.Fatalf("%s: shows %s", c.query, id)
			}
		}
	}
	if p := owner.get("/dashboard/payments?last4=12"); p.status != 400 || !strings.Contains(p.body, "four digits") {
		t.Fatalf("a bad filter: %d", p.status)
	}
}

func regexpFind(t *testing.T, s, re string) string {
	t.Helper()
	m := regexpMust(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in\n%s", re, s)
	}
	return m[1]
}

// TestThreeDSResultOnThePaymentPage pays with the frictionless 3-D Secure
// test card: the payment page shows the result and its ECI, in the facts
// and on the timeline.
func TestThreeDSResultOnThePaymentPage(t *testing.T) {
	e := newEnv(t)
	id := e.pay(1500, "4000000000003055", "order-3ds")
	plain := e.pay(1500, "4242424242424242", "order-plain")
	p := e.signIn("owner@shop.test").get("/dashboard/payments/" + id)
	facts := regexpFind(t, p.body, `(?s)<dl class="facts card" id="three-ds">(.*?)</dl>`)
	for _, want := range []string{"Y (frictionless", "<dt>ECI</dt><dd>05</dd>", "<dt>Liability shift</dt><dd>yes</dd>"} {
		if !strings.Contains(facts, want) {
			t.Fatalf("the 3-D Secure facts lack %q:\n%s", want, facts)
		}
	}
	timeline := regexpFind(t, p.body, `(?s)<ol class="timeline" id="timeline">(.*?)</ol>`)
	if !strings.Contains(timeline, "3-D Secure: authenticated") || !strings.Contains(timeline, "ECI 05, liability shift yes") {
		t.Fatalf("the timeline lacks the 3-D Secure result:\n%s", timeline)
	}
	if q := e.signIn("owner@shop.test").get("/dashboard/payments/" + plain); strings.Contains(q.body, `id="three-ds"`) || strings.Contains(q.body, "3-D Secure:") {
		t.Fatal("a payment without 3-D Secure shows a result")
	}
}
