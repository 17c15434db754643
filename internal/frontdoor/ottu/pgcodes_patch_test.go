package ottu_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/paygate/paygate/internal/engine"
)

// A PATCH of pg_codes changes the configuration the payment goes through,
// not only the session's answer.
func TestPatchOfPGCodesRoutesThePaymentThroughTheNewCode(t *testing.T) {
	g := newGateway(t)
	str := func(s string) *string { return &s }
	yes := true
	if _, err := g.eng.CreateConfig(context.Background(), g.actor, engine.ConfigInput{Code: str("mpgs"), NameEN: str("MPGS"), Connector: str("sandbox"),
		Environment: str("sandbox"), AcceptedCurrencies: &[]string{"KWD"}, DefaultCurrency: str("KWD"), Operation: str("purchase"), Enabled: &yes}); err != nil {
		t.Fatal(err)
	}
	c := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"payment_request","amount":"3.500","currency_code":"KWD","pg_codes":["knet"]}`).json(t)
	sid := c["session_id"].(string)
	if r := g.call("PATCH", "/b/checkout/v1/pymt-txn/"+sid+"/", `{"pg_codes":["nope"]}`); r.status != 400 {
		t.Fatalf("an unknown code: %d %s", r.status, r.body)
	}
	if r := g.call("PATCH", "/b/checkout/v1/pymt-txn/"+sid+"/", `{"pg_codes":["mpgs"]}`); r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	got := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t)
	if codes, _ := got["pg_codes"].([]any); len(codes) != 1 || codes[0] != "mpgs" {
		t.Fatalf("session after patch: %v", got["pg_codes"])
	}
	if paid := g.pay(c["checkout_url"].(string), "4242424242424242"); paid.status != http.StatusSeeOther {
		t.Fatalf("pay: %d %s", paid.status, paid.body)
	}
	sess, err := g.eng.GetCheckoutSession(context.Background(), g.actor, sid)
	if err != nil || sess.PaymentID == "" {
		t.Fatalf("session %+v: %v", sess, err)
	}
	p, _, err := g.eng.GetPayment(context.Background(), g.actor, sess.PaymentID)
	if err != nil || p.Config != "mpgs" {
		t.Fatalf("the payment went through %q (%v), want the patched code mpgs", p.Config, err)
	}

	// Several codes leave the choice to routing, among those only.
	c = g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"payment_request","amount":"1.000","currency_code":"KWD","pg_codes":["knet"]}`).json(t)
	sid = c["session_id"].(string)
	if r := g.call("PATCH", "/b/checkout/v1/pymt-txn/"+sid+"/", `{"pg_codes":["knet","mpgs"]}`); r.status != 200 {
		t.Fatalf("patch to two codes: %d %s", r.status, r.body)
	}
	sess, _ = g.eng.GetCheckoutSession(context.Background(), g.actor, sid)
	if sess.Config != "" || len(sess.AllowedConfigs) != 2 {
		t.Fatalf("session with two codes: config %q, allowed %v", sess.Config, sess.AllowedConfigs)
	}
}
