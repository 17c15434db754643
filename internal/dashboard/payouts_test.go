package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPayoutsListAndDetailMaskTheCard(t *testing.T) {
	e := newEnv(t)
	e.pay(10000, "4242424242424242", "sale")
	bank := e.api("POST", "/v1/payouts", `{"amount":2000,"currency":"USD","reference":"po-bank","destination":{"type":"bank_account","bank_account":{"holder":"Shop LLC","iban":"DE89370400440532013000"}}}`)["id"].(string)
	card := e.api("POST", "/v1/payouts", `{"amount":1500,"currency":"USD","destination":{"type":"card","card":{"number":"5555555555554444","exp_month":12,"exp_year":2031}}}`)["id"].(string)
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	for _, who := range []*browserless{owner, analyst, support} {
		p := who.get("/dashboard/payouts")
		if p.status != 200 || !strings.Contains(p.body, bank) || !strings.Contains(p.body, card) || !strings.Contains(p.body, "USD 20.00") || !strings.Contains(p.body, "••••3000") {
			t.Fatalf("payout list: %d\n%s", p.status, p.body)
		}
	}
	if p := owner.get("/dashboard/payouts/" + bank); p.status != 200 || !strings.Contains(p.body, "Bank account (DE) ••••3000") || strings.Contains(p.body, "DE89370400440532013000") {
		t.Fatalf("bank payout: %d\n%s", p.status, p.body)
	}
	for _, c := range []struct {
		who    *browserless
		first6 bool
	}{{owner, true}, {support, false}} {
		for _, path := range []string{"/dashboard/payouts", "/dashboard/payouts/" + card} {
			body := c.who.get(path).body
			if !strings.Contains(body, "4444") || strings.Contains(body, "5555555555554444") || strings.Contains(body, "555555") != c.first6 {
				t.Fatalf("%s: the card is not masked for the person (first six wanted: %v)", path, c.first6)
			}
		}
	}
	if p := owner.get("/dashboard/payouts/po_nope"); p.status != 404 {
		t.Fatalf("unknown payout: %d", p.status)
	}
	if p := (&browserless{e: e}).get("/dashboard/payouts"); p.status != http.StatusSeeOther {
		t.Fatalf("signed out: %d", p.status)
	}
}

func TestSubscriptionsListDetailAndConfirmedChanges(t *testing.T) {
	e := newEnv(t)
	cus := e.api("POST", "/v1/customers", `{"reference":"sub-1","name":"Sam Sub"}`)["id"].(string)
	mdt := e.api("POST", "/v1/payments", `{"amount":1000,"currency":"EUR","customer":"sub-1","recurring":{"type":"initial"},"payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)["mandate"].(string)
	sub := e.api("POST", "/v1/subscriptions", `{"mandate":"`+mdt+`","amount":900,"currency":"EUR","interval":"month","cycles":3,"description":"Plan"}`)["id"].(string)
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	for _, who := range []*browserless{owner, analyst, support} {
		p := who.get("/dashboard/subscriptions")
		if p.status != 200 || !strings.Contains(p.body, sub) || !strings.Contains(p.body, "EUR 9.00 every month") || !strings.Contains(p.body, "/dashboard/customers/"+cus) {
			t.Fatalf("subscription list: %d\n%s", p.status, p.body)
		}
	}
	detail := owner.get("/dashboard/subscriptions/" + sub)
	if detail.status != 200 || !strings.Contains(detail.body, "of 3") || !strings.Contains(detail.body, `id="pause-button"`) || !strings.Contains(detail.body, `id="cancel-button"`) {
		t.Fatalf("owner's detail: %d\n%s", detail.status, detail.body)
	}
	for _, who := range []*browserless{analyst, support} {
		p := who.get("/dashboard/subscriptions/" + sub)
		if p.status != 200 || strings.Contains(p.body, `-button"`) {
			t.Fatalf("detail without create_payments: %d, or it offers actions", p.status)
		}
		if f := who.post("/dashboard/subscriptions/"+sub+"/cancel", url.Values{"csrf": {p.csrf(t)}, "step": {"confirm"}}); f.status != http.StatusForbidden {
			t.Fatalf("a forged cancel without create_payments: %d", f.status)
		}
	}
	csrf := detail.csrf(t)
	status := func() any { return e.api("GET", "/v1/subscriptions/"+sub, "")["status"] }
	path := "/dashboard/subscriptions/" + sub + "/pause"
	if p := owner.post(path, url.Values{"step": {"confirm"}}); p.status != http.StatusForbidden {
		t.Fatalf("pause without CSRF: %d", p.status)
	}
	if p := owner.do("POST", path, url.Values{"csrf": {csrf}, "step": {"confirm"}}, "https://evil.test"); p.status != http.StatusForbidden {
		t.Fatalf("pause from another origin: %d", p.status)
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "step": {"review"}}); p.status != 200 || !strings.Contains(p.body, "Yes, pause") {
		t.Fatalf("pause review: %d", p.status)
	}
	if status() != "active" {
		t.Fatal("a refused or unconfirmed pause paused")
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=subscription-pause") {
		t.Fatalf("pause: %d %s", p.status, p.header.Get("Location"))
	}
	if status() != "paused" {
		t.Fatalf("after pausing: %v", status())
	}
	if p := owner.get("/dashboard/subscriptions/" + sub); !strings.Contains(p.body, `id="resume-button"`) || strings.Contains(p.body, `id="pause-button"`) {
		t.Fatal("a paused subscription's actions")
	}
	if p := owner.post(path, url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != http.StatusConflict {
		t.Fatalf("pausing twice: %d", p.status)
	}
	if p := owner.get("/dashboard/subscriptions/sub_nope"); p.status != 404 {
		t.Fatalf("unknown subscription: %d", p.status)
	}
}
