package dashboard_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// unlabelled lists the page's form fields without an accessible name (a
// label for them, a wrapping label, aria-label or aria-labelledby).
const unlabelled = `[...document.querySelectorAll("input:not([type=hidden]), select, textarea")].filter(el => {
	if (el.labels && el.labels.length && [...el.labels].some(l => l.textContent.trim() !== "")) return false;
	if ((el.getAttribute("aria-label") || "").trim() !== "") return false;
	const by = el.getAttribute("aria-labelledby");
	if (by && by.split(/\s+/).every(id => document.getElementById(id))) return false;
	return true;
}).map(el => el.outerHTML)`

// vague lists buttons whose names do not say which row they act on: every
// Revoke, Roll, Resend, Edit and Disable/Enable in a table row must be told
// apart by its accessible name.
const vague = `(function () {
	const names = [...document.querySelectorAll("table button, table a.edit-endpoint, table a.edit-user")].map(b => b.textContent.replace(/\s+/g, " ").trim());
	return names.filter((n, i) => names.indexOf(n) !== i);
})()`

// TestEveryPageAt360HasLabelsAndNoSideScroll visits every dashboard page on
// a phone-sized screen with data on it: nothing scrolls sideways, every
// form field has a label and no two row buttons share a name.
func TestEveryPageAt360HasLabelsAndNoSideScroll(t *testing.T) {
	e := newEnv(t)
	cus, pm := e.savedCard("ana", "Ana Example", "4242424242424242")
	mdt := e.api("POST", "/v1/payments", `{"amount":1000,"currency":"USD","customer":"cus-ana","recurring":{"type":"initial"},"payment_method":{"type":"saved_card","id":"`+pm+`"}}`)["mandate"].(string)
	sub := e.api("POST", "/v1/subscriptions", `{"mandate":"`+mdt+`","amount":900,"currency":"USD","interval":"month","description":"Tea club"}`)["id"].(string)
	id := e.pay(2500, "4000056655665556", "order-2")
	e.pay(1200, "4242424242424242", "order-3")
	e.authorize(900, "order-held")
	endpoint := e.api("POST", "/v1/webhook-endpoints", `{"url":"https://shop.test/second-hooks"}`)["id"].(string)
	e.dispatch()
	payout := e.api("POST", "/v1/payouts", `{"amount":500,"currency":"USD","destination":{"type":"bank_account","bank_account":{"holder":"Shop LLC","iban":"DE89370400440532013000"}}}`)["id"].(string)
	e.api("POST", "/v1/payment-method-configs", `{"code":"knet","name":"KNET","connector":"sandbox","credentials":{"api_key":"x"}}`)
	owner := e.signIn("owner@shop.test")
	inv := owner.post("/dashboard/invoices", invoiceForm(owner.get("/dashboard/invoices/new").csrf(t)))
	if inv.status != 201 {
		t.Fatalf("seed invoice: %d", inv.status)
	}
	invoice := regexpFind(t, inv.body, `id="invoice-id">([^<]+)<`)
	cfg := e.config("knet").ID
	analyst := e.user("analyst@shop.test").ID
	e.api("POST", "/v1/api-keys", `{"kind":"secret","name":"second"}`)

	ctx := browser(t, 360, 780)
	signInBrowser(t, ctx, e, "owner@shop.test")
	for _, c := range []struct{ path, sel string }{
		{"/dashboard/", "#balances"},
		{"/dashboard/payments", "#payments"},
		{"/dashboard/payments/" + id, "#timeline"},
		{"/dashboard/customers", "#customers"},
		{"/dashboard/customers/" + cus, "#saved-cards"},
		{"/dashboard/invoices", "#invoices"},
		{"/dashboard/invoices/new", "#invoice-form"},
		{"/dashboard/invoices/" + invoice, "#invoice-total"},
		{"/dashboard/subscriptions", "#subscriptions"},
		{"/dashboard/subscriptions/" + sub, "#pause-button"},
		{"/dashboard/payouts", "#payouts"},
		{"/dashboard/payouts/" + payout, "#payout-status"},
		{"/dashboard/payouts/new", "#payout-form"},
		{"/dashboard/customers/new", "#customer-form"},
		{"/dashboard/subscriptions/new", "#subscription-form"},
		{"/dashboard/developers", "#configs"},
		{"/dashboard/developers/configs/new", "#config-form"},
		{"/dashboard/developers/configs/" + cfg, "#config-form"},
		{"/dashboard/webhooks", "#deliveries"},
		{"/dashboard/webhooks/endpoints/" + endpoint, "#endpoint-edit"},
		{"/dashboard/events", "#events"},
		{"/dashboard/team", "#add-user-form"},
		{"/dashboard/team/users/" + analyst, "#user-form"},
		{"/dashboard/audit", "#audit"},
		{"/dashboard/two-factor", "#totp-setup-form"},
	} {
		do(t, ctx, chromedp.Navigate(e.url+c.path))
		waitFor(t, ctx, c.sel)
		if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("%s is %v px wide at 360 px", c.path, w)
		}
		if bad := eval[[]string](t, ctx, unlabelled); len(bad) > 0 {
			t.Errorf("%s has fields without a label:\n%s", c.path, strings.Join(bad, "\n"))
		}
		if dup := eval[[]string](t, ctx, vague); len(dup) > 0 {
			t.Errorf("%s has row buttons that share a name: %q", c.path, dup)
		}
	}
	// The names say which key and which delivery.
	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/developers"))
	waitFor(t, ctx, "#keys")
	revoke := eval[[]string](t, ctx, `[...document.querySelectorAll("#keys button.danger")].map(b => b.textContent)`)
	if len(revoke) < 2 || !strings.HasPrefix(revoke[0], "Revoke… key ") {
		t.Fatalf("revoke buttons %q", revoke)
	}
	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/webhooks"))
	waitFor(t, ctx, "#deliveries")
	resend := eval[[]string](t, ctx, `[...document.querySelectorAll("#deliveries button.resend")].map(b => b.textContent)`)
	if len(resend) < 2 || !strings.Contains(resend[0], "Resend delivery of event evt_") || !strings.Contains(resend[0], "hooks") {
		t.Fatalf("resend buttons %q", resend)
	}
}
