package ottu_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/ottu"
)

type hookSender struct {
	mu   sync.Mutex
	sent []map[string]any
	urls []string
}

func (h *hookSender) Send(_ context.Context, u string, hdr map[string]string, body []byte, _ bool) engine.SendResult {
	h.mu.Lock()
	defer h.mu.Unlock()
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	if hdr["webhook-signature"] != "" {
		m = map[string]any{"native": true}
	}
	h.sent, h.urls = append(h.sent, m), append(h.urls, u)
	return engine.SendResult{Status: 200}
}

// A payment made through Ottu's Checkout API sends Ottu's signed payment
// webhook to webhook_url through the engine's durable delivery, and the
// payer is sent on to redirect_url only once that webhook answered 200.
func TestWebhookThenRedirect(t *testing.T) {
	g := newGateway(t)
	ctx := context.Background()
	r := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"12.250","currency_code":"KWD","pg_codes":["knet"],
		"order_no":"ORD-9","customer_first_name":"Fatima","webhook_url":"https://shop.example/hooks/ottu","redirect_url":"https://shop.example/done"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	c := r.json(t)
	sid := c["session_id"].(string)
	paid := g.pay(c["checkout_url"].(string), "4242424242424242")
	ret := paid.header.Get("Location")
	req, _ := http.NewRequest("GET", ret, nil)
	if before := do(t, req); before.status == http.StatusSeeOther && strings.HasPrefix(before.header.Get("Location"), "https://shop.example/done") {
		t.Fatal("the payer was sent to redirect_url before the webhook answered")
	}
	snd := &hookSender{}
	if _, err := g.eng.DispatchOnce(ctx, engine.DispatchConfig{Sender: snd, Batch: 50}); err != nil {
		t.Fatal(err)
	}
	key, err := g.eng.NotificationSecret(ctx, g.actor)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, m := range snd.sent {
		if snd.urls[i] != "https://shop.example/hooks/ottu" {
			continue
		}
		if m["native"] == true {
			t.Fatal("webhook_url got a native webhook instead of Ottu's")
		}
		fields := map[string]string{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				fields[k] = s
			} else if v != nil {
				fields[k] = fmt.Sprint(v)
			}
		}
		if m["session_id"] == sid && m["state"] == "paid" && ottu.Verify(fields, key, fmt.Sprint(m["signature"])) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no signed Ottu payment webhook for the session: %v", snd.sent)
	}
	req, _ = http.NewRequest("GET", ret, nil)
	after := do(t, req)
	if after.status != http.StatusSeeOther || !strings.HasPrefix(after.header.Get("Location"), "https://shop.example/done?") {
		t.Fatalf("after the webhook: %d %s", after.status, after.header.Get("Location"))
	}
}

// statusSender answers every webhook with one status.
type statusSender struct{ status int }

func (s statusSender) Send(context.Context, string, map[string]string, []byte, bool) engine.SendResult {
	return engine.SendResult{Status: s.status}
}

// Only a 200 sends the payer on to redirect_url: a webhook answered 201 or
// 500 leaves the payer on paygate's summary of the payment, as Ottu does.
func TestNoRedirectUnlessTheWebhookAnswered200(t *testing.T) {
	for _, status := range []int{http.StatusCreated, http.StatusInternalServerError} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			g := newGateway(t)
			c := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"3.500","currency_code":"KWD","pg_codes":["knet"],
				"order_no":"ORD-`+fmt.Sprint(status)+`","webhook_url":"https://shop.example/hooks","redirect_url":"https://shop.example/done"}`).json(t)
			ret := g.pay(c["checkout_url"].(string), "4242424242424242").header.Get("Location")
			if _, err := g.eng.DispatchOnce(context.Background(), engine.DispatchConfig{Sender: statusSender{status}, Batch: 50}); err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", ret, nil)
			page := do(t, req)
			if page.status != http.StatusOK || strings.Contains(page.header.Get("Location"), "shop.example/done") {
				t.Fatalf("after a %d webhook answer: %d %s", status, page.status, page.header.Get("Location"))
			}
			if !strings.Contains(page.body, "Payment paid") || !strings.Contains(page.body, "KWD 3.500") || strings.Contains(page.body, "http-equiv=\"refresh\"") {
				t.Fatalf("summary page: %s", page.body)
			}
		})
	}
}
