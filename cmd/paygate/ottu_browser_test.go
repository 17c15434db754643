package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/paygate/paygate/client"
	"github.com/paygate/paygate/internal/frontdoor/ottu"
)

// ottuFields are a webhook's values as the signature reads them.
func ottuFields(m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		} else if v != nil {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// An Ottu shop creates a checkout through paygate's Ottu door, the payer
// pays on the hosted page in a real browser, the shop's webhook_url gets
// Ottu's signed webhook and only then is the payer sent to redirect_url;
// a refund through the operations API shows in the native API, and the
// ledger verifies.
func TestOttuCheckoutInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	m := runJSON(t, "merchant", "create", "Shop KW", "--json", "--database", db)
	var mu sync.Mutex
	var hooks []map[string]any
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hooks" {
			var b map[string]any
			_ = json.NewDecoder(r.Body).Decode(&b)
			mu.Lock()
			hooks = append(hooks, b)
			mu.Unlock()
			return
		}
		w.Write([]byte("<!doctype html><title>Done</title><p id=done>Thank you</p>"))
	}))
	t.Cleanup(shop.Close)
	p := startServe(t, db, "--public-url", "http://{addr}")
	pg := "http://" + p.addr
	call := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, pg+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Api-Key "+m["secret_key"])
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		return resp.StatusCode, out
	}
	if st, out := call("POST", "/v1/payment-method-configs", `{"code":"knet","name":"KNET","connector":"sandbox","accepted_currencies":["KWD"]}`); st != 201 {
		t.Fatalf("config: %d %v", st, out)
	}
	st, c := call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"19.750","currency_code":"KWD","pg_codes":["knet"],
		"order_no":"ORD-77","webhook_url":"`+shop.URL+`/hooks","redirect_url":"`+shop.URL+`/done"}`)
	if st != 201 {
		t.Fatalf("checkout: %d %v", st, c)
	}
	sid := c["session_id"].(string)
	sctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.Navigate(c["checkout_url"].(string)), chromedp.WaitVisible(chromedp.CSS("#card-number")),
		chromedp.SendKeys(chromedp.CSS("#card-number"), "4242424242424242"), chromedp.SendKeys(chromedp.CSS("#card-expiry"), "12/31"),
		chromedp.SendKeys(chromedp.CSS("#card-cvc"), "123"),
		// Enter in the last field submits the form the way a keyboard user
		// does, through the page's own checks, wherever the button sits.
		chromedp.SendKeys(chromedp.CSS("#card-cvc"), kb.Enter)); err != nil {
		t.Fatalf("paying: %v", err)
	}
	if err := chromedp.Do(sctx, chromedp.WaitVisible(chromedp.CSS("#done"))); err != nil {
		wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
		defer wcancel()
		loc, _ := chromedp.Run(wctx, chromedp.Location())
		body, _ := chromedp.Run(wctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("browser: %v at %s:\n%s", err, loc, body)
	}
	loc, _ := chromedp.Run(sctx, chromedp.Location())
	if !strings.Contains(loc, "session_id="+sid) || !strings.Contains(loc, "order_no=ORD-77") {
		t.Fatalf("redirect_url reached as %s", loc)
	}
	_, sec := call("GET", "/v1/notification-secret", "")
	key, _ := sec["secret"].(string)
	if key == "" {
		t.Fatalf("notification secret: %v", sec)
	}
	mu.Lock()
	var paidHook map[string]any
	for _, h := range hooks {
		if h["session_id"] == sid && h["state"] == "paid" {
			paidHook = h
		}
	}
	mu.Unlock()
	if paidHook == nil {
		t.Fatalf("the payer reached redirect_url before the paid webhook: %v", hooks)
	}
	if !ottu.Verify(ottuFields(paidHook), key, fmt.Sprint(paidHook["signature"])) {
		t.Fatalf("the webhook's signature does not verify: %v", paidHook)
	}
	if paidHook["amount"] != "19.750" || paidHook["currency_code"] != "KWD" || paidHook["result"] != "success" {
		t.Fatalf("paid webhook: %v", paidHook)
	}
	if _, s := call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", ""); s["state"] != "paid" || s["amount"] != "19.750" {
		t.Fatalf("status after paying: %v", s)
	}
	if st, o := call("POST", "/b/pbl/v2/operation/", `{"session_id":"`+sid+`","operation":"refund","amount":"4.750"}`); st != 200 || o["result"] != "success" {
		t.Fatalf("refund: %d %v", st, o)
	}
	_, s := call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "")
	if s["refunded_amount"] != "4.750" {
		t.Fatalf("status after the refund: %v", s)
	}
	native, err := client.New(pg, m["secret_key"]).GetPayment(context.Background(), s["reference_number"].(string))
	if err != nil || native.AmountCaptured != 19750 || native.AmountRefunded != 4750 || native.Reference != "ORD-77" {
		t.Fatalf("native: %+v %v", native, err)
	}
	var verify bytes.Buffer
	if err := run(context.Background(), []string{"ledger", "verify", "--database", db}, noenv, &verify, io.Discard); err != nil {
		t.Fatalf("ledger verify: %v\n%s", err, verify.String())
	}
}
