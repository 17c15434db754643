package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// TestNewSubscriptionFromThePagesIsCreatedOnce: reviewed, then confirmed
// once; a second click on the same confirmation makes no second schedule;
// a mandate that does not exist is refused with the reason; a person
// without create_payments cannot reach the form or post it.
func TestNewSubscriptionFromThePagesIsCreatedOnce(t *testing.T) {
	e := newEnv(t)
	e.api("POST", "/v1/customers", `{"reference":"sub-dash"}`)
	mdt := e.api("POST", "/v1/payments", `{"amount":1000,"currency":"EUR","customer":"sub-dash","recurring":{"type":"initial"},"payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)["mandate"].(string)
	a := engine.Actor{MerchantID: e.merchant, Mode: payment.Sandbox}
	count := func() int {
		ss, err := e.eng.ListSubscriptions(context.Background(), a, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(ss)
	}
	owner, analyst := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test")
	if p := analyst.get("/dashboard/subscriptions/new"); p.status != http.StatusForbidden {
		t.Fatalf("the form without create_payments: %d", p.status)
	}
	if p := analyst.get("/dashboard/subscriptions"); strings.Contains(p.body, `id="new-subscription"`) {
		t.Fatal("the list offers a new subscription to a person who may not make one")
	}
	review := url.Values{"csrf": {owner.get("/dashboard/subscriptions/new").csrf(t)}, "step": {"review"}, "mandate": {mdt}, "amount": {"9.00"},
		"currency": {"eur"}, "interval": {"month"}, "interval_count": {"1"}, "cycles": {"12"}, "description": {"Box of the month"}}
	conf := owner.post("/dashboard/subscriptions", review)
	key := regexpMust(`name="key" value="(dash_[^"]+)"`).FindStringSubmatch(conf.body)
	if conf.status != 200 || key == nil || !strings.Contains(conf.body, "EUR 9.00 every month") || count() != 0 {
		t.Fatalf("review: %d (%d subscriptions)\n%s", conf.status, count(), conf.body)
	}
	confirm := url.Values{"csrf": {conf.csrf(t)}, "step": {"confirm"}, "key": {key[1]}}
	for _, k := range []string{"mandate", "amount", "currency", "interval", "interval_count", "cycles", "description"} {
		confirm.Set(k, regexpMust(`name="` + k + `" value="([^"]*)"`).FindStringSubmatch(conf.body)[1])
	}
	done := owner.post("/dashboard/subscriptions", confirm)
	loc := done.header.Get("Location")
	if done.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/subscriptions/sub_") || !strings.HasSuffix(loc, "done=subscription") || count() != 1 {
		t.Fatalf("confirm: %d %q (%d subscriptions)\n%s", done.status, loc, count(), done.body)
	}
	again := owner.post("/dashboard/subscriptions", confirm)
	if again.status != http.StatusSeeOther || again.header.Get("Location") != strings.TrimSuffix(loc, "subscription")+"replay" || count() != 1 {
		t.Fatalf("a second click: %d %q (%d subscriptions)", again.status, again.header.Get("Location"), count())
	}
	if p := owner.get(loc); p.status != 200 || !strings.Contains(p.body, "Box of the month") || !strings.Contains(p.body, `id="notice"`) {
		t.Fatalf("the new subscription's page: %d\n%s", p.status, p.body)
	}
	bad := url.Values{}
	for k, v := range confirm {
		bad[k] = v
	}
	bad.Set("key", "dash_other")
	bad.Set("mandate", "mdt_nope")
	if p := owner.post("/dashboard/subscriptions", bad); p.status != http.StatusBadRequest || count() != 1 {
		t.Fatalf("an unknown mandate: %d (%d subscriptions)\n%s", p.status, count(), p.body)
	}
}
