package smartpay_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/delivery"
	"github.com/paygate/paygate/internal/engine"
)

// dispatch runs the engine's webhook delivery a few passes.
func (g *gateway) dispatch() {
	g.t.Helper()
	for i := 0; i < 3; i++ {
		if _, err := g.eng.DispatchOnce(context.Background(), engine.DispatchConfig{Sender: delivery.New(5 * time.Second)}); err != nil {
			g.t.Fatal(err)
		}
	}
}

// statuses are the paymentStatus of a transaction's payment webhooks, in order.
func statuses(h *hook, tx string) []string {
	var out []string
	for _, b := range h.got() {
		md, _ := b["metadata"].(map[string]any)
		if b["objectId"] == tx && b["objectType"] == "payment" {
			out = append(out, fmt.Sprint(md["paymentStatus"]))
		}
	}
	return out
}

// A captured payment is SETTLED SettleAfter after its capture: the status
// says so from then on and the notification URL gets one SETTLED webhook
// (origin automated); native webhook endpoints never see it. A payment
// refunded before then never settles.
func TestSettledWebhookAndStatusAfterSettleAfter(t *testing.T) {
	clk := newClock()
	g := newGateway(t, withClock(clk), withSettleAfter(24*time.Hour))
	ctx := context.Background()
	h, native := newHook(t), newHook(t)
	nativeURL := native.srv.URL + "/native"
	if _, _, err := g.eng.CreateWebhookEndpoint(ctx, g.actor, engine.EndpointInput{URL: &nativeURL}); err != nil {
		t.Fatal(err)
	}
	basic := g.basic()
	pay := func(partner string) string {
		r := g.call("POST", "/payment/creation", basic, createBody(g.merchant, partner, `"notificationUrl": "`+h.srv.URL+`/hook",`))
		if r.status != 200 {
			t.Fatalf("creation: %d %s", r.status, r.body)
		}
		tx := r.json(t)["transactionId"].(string)
		g.payOnHostedPage(r.json(t)["checkoutToken"].(string), "4242424242424242")
		if c := g.call("POST", "/payment/capture", basic, modBody(tx, g.merchant, "cap-"+partner, "")); c.status != 200 || c.json(t)["paymentStatus"] != "CAPTURED" {
			t.Fatalf("capture: %d %s", c.status, c.body)
		}
		return tx
	}
	settles, refunded := pay("settles"), pay("refunded")
	if r := g.call("POST", "/payment/refund", basic, modBody(refunded, g.merchant, "ref-1", "")); r.status != 200 || r.json(t)["paymentStatus"] != "REFUNDED" {
		t.Fatalf("refund: %d %s", r.status, r.body)
	}
	g.dispatch()
	// The first two are sent concurrently and may arrive either way round.
	if got := fmt.Sprint(sortedFirst(statuses(h, settles), 2)); got != "[AUTHORIZATION_COMPLETED CAPTURED]" {
		t.Fatalf("webhooks before SettleAfter: %s", got)
	}
	clk.Advance(24*time.Hour - time.Minute)
	g.dispatch()
	if st := g.call("GET", "/payment/status/"+settles, basic, "").json(t)["paymentStatus"]; st != "CAPTURED" || len(statuses(h, settles)) != 2 {
		t.Fatalf("a minute before SettleAfter: %v, webhooks %v", st, statuses(h, settles))
	}

	clk.Advance(time.Minute)
	g.dispatch()
	g.dispatch()
	if st := g.call("GET", "/payment/status/"+settles, basic, "").json(t)["paymentStatus"]; st != "SETTLED" {
		t.Fatalf("status at SettleAfter: %v", st)
	}
	if got := fmt.Sprint(sortedFirst(statuses(h, settles), 2)); got != "[AUTHORIZATION_COMPLETED CAPTURED SETTLED]" {
		t.Fatalf("webhooks at SettleAfter: %s", got)
	}
	for _, b := range h.got() {
		if b["metadata"].(map[string]any)["paymentStatus"] == "SETTLED" && (b["origin"] != "automated" || b["eventType"] != "updated") {
			t.Fatalf("SETTLED webhook %v", b)
		}
	}
	for _, s := range statuses(h, refunded) {
		if s == "SETTLED" {
			t.Fatalf("a refunded payment settled: %v", statuses(h, refunded))
		}
	}
	if st := g.call("GET", "/payment/status/"+refunded, basic, "").json(t)["paymentStatus"]; st != "REFUNDED" {
		t.Fatalf("refunded payment's status: %v", st)
	}
	if len(native.got()) == 0 {
		t.Fatal("the native endpoint got nothing")
	}
	for _, b := range native.got() {
		if b["type"] == "smartpay.settled" || b["eventType"] != nil {
			t.Fatalf("the native endpoint got a SmartPay event: %v", b)
		}
	}
}

// sortedFirst sorts the first n of list in place and returns it: webhooks
// sent at the same time arrive in either order, later ones after them.
func sortedFirst(list []string, n int) []string {
	slices.Sort(list[:min(n, len(list))])
	return list
}
