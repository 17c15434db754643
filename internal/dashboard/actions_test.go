package dashboard_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// authorize makes a manual-capture card payment (authorized, not captured).
func (e *env) authorize(amount int, reference string) string {
	e.t.Helper()
	b, _ := json.Marshal(map[string]any{"amount": amount, "currency": "USD", "reference": reference, "capture": "manual",
		"payment_method": map[string]any{"type": "card", "card": map[string]any{"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}})
	p := e.api("POST", "/v1/payments", string(b))
	if p["status"] != "authorized" {
		e.t.Fatalf("a manual-capture payment is %v", p["status"])
	}
	return p["id"].(string)
}

// TestCaptureAndVoidNeedConfirmationPermissionAndCSRF captures part of an
// authorized payment and voids another, each after a confirmation page;
// forged posts by roles without capture or void, and posts without the
// CSRF token, are refused and change nothing.
func TestCaptureAndVoidNeedConfirmationPermissionAndCSRF(t *testing.T) {
	e := newEnv(t)
	toCapture, toVoid := e.authorize(5000, "order-c"), e.authorize(3000, "order-v")
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	status := func(id string) map[string]any { return e.api("GET", "/v1/payments/"+id, "") }

	detail := owner.get("/dashboard/payments/" + toCapture)
	if !strings.Contains(detail.body, `id="capture-form"`) || !strings.Contains(detail.body, `id="void-form"`) || strings.Contains(detail.body, `id="refund-form"`) {
		t.Fatalf("an authorized payment's actions for the owner:\n%s", detail.body)
	}
	csrf := detail.csrf(t)
	capture, void := "/dashboard/payments/"+toCapture+"/capture", "/dashboard/payments/"+toVoid+"/void"

	// Analysts may do neither; support may void but not capture.
	an := analyst.get("/dashboard/payments/" + toCapture)
	if strings.Contains(an.body, "capture-form") || strings.Contains(an.body, "void-form") {
		t.Fatal("the analyst sees capture or void forms")
	}
	sp := support.get("/dashboard/payments/" + toCapture)
	if strings.Contains(sp.body, "capture-form") || !strings.Contains(sp.body, "void-form") {
		t.Fatal("support's forms do not follow their role (void, no capture)")
	}
	for _, c := range []struct {
		who  *browserless
		csrf string
		path string
	}{{analyst, an.csrf(t), capture}, {analyst, an.csrf(t), void}, {support, sp.csrf(t), capture}} {
		if p := c.who.post(c.path, url.Values{"csrf": {c.csrf}, "step": {"confirm"}, "amount": {"10.00"}, "key": {"dash_forged"}}); p.status != http.StatusForbidden {
			t.Fatalf("a forged %s: %d", c.path, p.status)
		}
	}
	for _, path := range []string{capture, void} {
		if p := owner.post(path, url.Values{"step": {"confirm"}, "amount": {"10.00"}, "key": {"dash_x"}}); p.status != http.StatusForbidden {
			t.Fatalf("%s without CSRF: %d", path, p.status)
		}
		if p := owner.do("POST", path, url.Values{"csrf": {csrf}, "step": {"confirm"}, "key": {"dash_x"}}, "https://evil.test"); p.status != http.StatusForbidden {
			t.Fatalf("%s from another origin: %d", path, p.status)
		}
	}
	if status(toCapture)["status"] != "authorized" || status(toVoid)["status"] != "authorized" {
		t.Fatal("a refused post changed a payment")
	}

	// An amount beyond the hold, or not an amount, is refused on the
	// payment's own page, in the currency, before any confirmation.
	for amount, says := range map[string]string{"73.00": "USD 73.00 is more than the USD 50.00 authorized", "12,50": `12,50&#34; is not an amount of USD`} {
		p := owner.post(capture, url.Values{"csrf": {csrf}, "step": {"review"}, "amount": {amount}})
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, says) || !strings.Contains(p.body, `id="capture-form"`) || strings.Contains(p.body, `id="confirm-form"`) {
			t.Fatalf("capture review of %s: %d\n%s", amount, p.status, p.body)
		}
	}

	// Partial capture after the confirmation, which says what is released.
	review := owner.post(capture, url.Values{"csrf": {csrf}, "step": {"review"}, "amount": {"20.00"}})
	if review.status != 200 || !strings.Contains(review.body, "Capture USD 20.00 of payment "+toCapture) || !strings.Contains(review.body, "Yes, capture") ||
		!strings.Contains(review.body, "The remaining USD 30.00 of the hold is released") {
		t.Fatalf("capture review: %d\n%s", review.status, review.body)
	}
	if status(toCapture)["status"] != "authorized" {
		t.Fatal("the review captured")
	}
	key := regexpFind(t, review.body, `name="key" value="([^"]+)"`)
	confirm := url.Values{"csrf": {csrf}, "step": {"confirm"}, "amount": {"20.00"}, "reason": {""}, "key": {key}}
	if p := owner.post(capture, confirm); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=capture") {
		t.Fatalf("confirm capture: %d %s", p.status, p.header.Get("Location"))
	}
	if p := owner.post(capture, confirm); !strings.HasSuffix(p.header.Get("Location"), "?done=replay") {
		t.Fatalf("confirming the capture twice: %d %s", p.status, p.header.Get("Location"))
	}
	if got := status(toCapture); got["amount_captured"].(float64) != 2000 {
		t.Fatalf("after a partial capture: %v", got)
	}
	after := owner.get("/dashboard/payments/" + toCapture)
	for _, want := range []string{"Capture succeeded", "USD 20.00", `id="refund-form"`} {
		if !strings.Contains(after.body, want) {
			t.Fatalf("after the capture the page lacks %q:\n%s", want, after.body)
		}
	}
	if strings.Contains(after.body, `id="capture-form"`) {
		t.Fatal("a captured payment still offers a capture")
	}

	// Void another, by support (who may), after the confirmation.
	sv := support.get("/dashboard/payments/" + toVoid)
	review = support.post(void, url.Values{"csrf": {sv.csrf(t)}, "step": {"review"}})
	if review.status != 200 || !strings.Contains(review.body, "Void payment "+toVoid+" and release the hold of USD 30.00") {
		t.Fatalf("void review: %d\n%s", review.status, review.body)
	}
	if status(toVoid)["status"] != "authorized" {
		t.Fatal("the review voided")
	}
	key = regexpFind(t, review.body, `name="key" value="([^"]+)"`)
	if p := support.post(void, url.Values{"csrf": {sv.csrf(t)}, "step": {"confirm"}, "key": {key}}); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=void") {
		t.Fatalf("confirm void: %d %s", p.status, p.header.Get("Location"))
	}
	if got := status(toVoid)["status"]; got != "voided" {
		t.Fatalf("after the void: %v", got)
	}
	if p := support.get("/dashboard/payments/" + toVoid); !strings.Contains(p.body, "Void succeeded") || strings.Contains(p.body, `id="void-form"`) {
		t.Fatalf("the voided payment's page:\n%s", p.body)
	}
}
