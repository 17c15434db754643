package ottu_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/ottu"
)

// signedBy reports whether an answer carries Ottu's signature under key.
func signedBy(m map[string]any, key string) bool {
	fields := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			fields[k] = s
		} else if v != nil {
			fields[k] = fmt.Sprint(v)
		}
	}
	return ottu.Verify(fields, key, fmt.Sprint(m["signature"]))
}

// TestAnInquiryAsksTheProcessorAboutAPendingPayment: a payment the
// processor left pending is answered pending; once the processor has
// decided, an inquiry (by order_no or session_id) finds it paid at once,
// without waiting for the recovery worker, in the payment webhook's shape,
// signed; with notify_webhook_url the same goes to the session's webhook_url.
func TestAnInquiryAsksTheProcessorAboutAPendingPayment(t *testing.T) {
	g := newGateway(t)
	ctx := context.Background()
	c := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"4.500","currency_code":"KWD","pg_codes":["knet"],
		"order_no":"INQ-1","webhook_url":"https://shop.example/hooks/ottu"}`).json(t)
	sid := c["session_id"].(string)
	g.pay(c["checkout_url"].(string), "4000009900000004") // pending, approved after 2 s
	key, err := g.eng.NotificationSecret(ctx, g.actor)
	if err != nil {
		t.Fatal(err)
	}
	r := g.call("POST", "/b/pbl/v2/inquiry/", `{"order_no":"INQ-1"}`)
	first := r.json(t)
	if r.status != 200 || first["state"] != "pending" || first["session_id"] != sid || !signedBy(first, key) {
		t.Fatalf("inquiry while pending: %d %s", r.status, r.body)
	}
	time.Sleep(2100 * time.Millisecond)
	if time.Now().Second() >= 58 {
		// The notifications asked for below must fall in one minute.
		time.Sleep(3 * time.Second)
	}
	r = g.call("POST", "/b/pbl/v2/inquiry/", `{"session_id":"`+sid+`","notify_webhook_url":true,"webhook_url":"https://shop.example/hooks/ottu"}`)
	got := r.json(t)
	if r.status != 200 || got["state"] != "paid" || got["result"] != "success" || got["amount"] != "4.500" || got["order_no"] != "INQ-1" || !signedBy(got, key) {
		t.Fatalf("inquiry after the processor decided: %d %s", r.status, r.body)
	}
	if s := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t); s["state"] != "paid" {
		t.Fatalf("the session after the inquiry: %v", s["state"])
	}
	// Asked again within the minute: answered, but no second webhook.
	if r := g.call("POST", "/b/pbl/v2/inquiry/", `{"session_id":"`+sid+`","notify_webhook_url":true}`); r.status != 200 {
		t.Fatalf("a second inquiry: %d %s", r.status, r.body)
	}
	// A read-only key may look, not notify.
	_, ro, err := g.eng.CreateKey(ctx, g.actor, engine.CreateKeyInput{Kind: "restricted", Scopes: []string{"payments:read"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := g.call("POST", "/b/pbl/v2/inquiry/", `{"session_id":"`+sid+`"}`, "Authorization", "Api-Key "+ro); r.status != 200 {
		t.Fatalf("a read-only inquiry: %d %s", r.status, r.body)
	}
	if r := g.call("POST", "/b/pbl/v2/inquiry/", `{"session_id":"`+sid+`","notify_webhook_url":true}`, "Authorization", "Api-Key "+ro); r.status != 403 {
		t.Fatalf("a read-only key asked for a webhook: %d %s", r.status, r.body)
	}
	snd := &hookSender{}
	if _, err := g.eng.DispatchOnce(ctx, engine.DispatchConfig{Sender: snd, Batch: 50}); err != nil {
		t.Fatal(err)
	}
	paidHooks := 0
	for i, m := range snd.sent {
		if snd.urls[i] == "https://shop.example/hooks/ottu" && m["session_id"] == sid && m["state"] == "paid" && signedBy(m, key) {
			paidHooks++
		}
	}
	// One from the payment's capture, one asked for by the inquiries.
	if paidHooks != 2 {
		t.Fatalf("%d paid webhooks to webhook_url, want 2 (the capture's and the inquiry's): %v", paidHooks, snd.sent)
	}
}

// TestAnInquiryRefusesWhatItCannotAnswer: no session, a session with no
// payment, another webhook_url, or notify without a webhook_url.
func TestAnInquiryRefusesWhatItCannotAnswer(t *testing.T) {
	g := newGateway(t)
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{}`, 400},
		{`{"session_id":"cs_nope"}`, 404},
		{`{"order_no":"NONE"}`, 404},
		{`{"order_no":1}`, 400},
	} {
		if r := g.call("POST", "/b/pbl/v2/inquiry/", tc.body); r.status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.body, r.status, r.body, tc.status)
		}
	}
	c := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"1.000","currency_code":"KWD","pg_codes":["knet"],"order_no":"INQ-2"}`).json(t)
	sid := c["session_id"].(string)
	if r := g.call("POST", "/b/pbl/v2/inquiry/", `{"session_id":"`+sid+`"}`); r.status != 400 {
		t.Errorf("a session with no payment: %d %s", r.status, r.body)
	}
	g.pay(c["checkout_url"].(string), "4242424242424242")
	if r := g.call("POST", "/b/pbl/v2/inquiry/", `{"session_id":"`+sid+`","webhook_url":"https://attacker.example/x"}`); r.status != 400 {
		t.Errorf("another webhook_url: %d %s", r.status, r.body)
	}
	if r := g.call("POST", "/b/pbl/v2/inquiry/", `{"session_id":"`+sid+`","notify_webhook_url":true}`); r.status != 400 {
		t.Errorf("notify without a webhook_url: %d %s", r.status, r.body)
	}
	if r := g.call("POST", "/b/pbl/v2/inquiry/", `{"session_id":"`+sid+`"}`); r.status != http.StatusOK || r.json(t)["state"] != "paid" {
		t.Errorf("a paid session: %d %s", r.status, r.body)
	}
}
