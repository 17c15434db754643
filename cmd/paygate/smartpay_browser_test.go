package main

import (
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
)

// A SmartPay shop embeds the widget with the checkoutToken of
// /payment/creation; the payer pays inside the frame in a real browser, the
// shop's successHandler gets the transactionId, and Get Payment Status
// through the SmartPay door says it is authorized.
func TestSmartPayWidgetInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	m := runJSON(t, "merchant", "create", "Shop", "--json", "--database", db)
	var mu sync.Mutex
	token := ""
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, `<!doctype html><html><body><h1>Checkout</h1><div id="smartpay-widget"></div><p id="result"></p>
<script src="%s"></script><script>
SmartPay.widget({checkoutToken: %q, container: "#smartpay-widget", height: 700,
  successHandler: function (r) { document.getElementById("result").textContent = "ok:" + r.transactionId; },
  errorHandler: function (e) { document.getElementById("result").textContent = "error:" + e.code; }});
</script></body></html>`, r.URL.Query().Get("pg")+"/payment/widget/smartpay.js", token)
	}))
	t.Cleanup(shop.Close)
	p := startServe(t, db, "--public-url", "http://{addr}")
	pg := "http://" + p.addr
	call := func(method, path, body string) map[string]any {
		req, _ := http.NewRequest(method, pg+path, strings.NewReader(body))
		req.SetBasicAuth(m["merchant_id"], m["secret_key"])
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", shop.URL)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		return out
	}
	created := call("POST", "/payment/creation", `{"merchantKey": "`+m["merchant_id"]+`", "partnerReference": "web-1",
		"payment": {"amount": 42.50, "currencyCode": "EUR", "description": "Widget order"},
		"consumer": {"firstName": "Ana", "lastName": "Lima", "emailAddress": "ana@example.com"},
		"billingAddress": {"addressLine1": "Anystreet", "number": "1", "city": "Anycity", "postCode": "12345", "countryCode": "DE"}}`)
	tx := created["transactionId"].(string)
	mu.Lock()
	token = created["checkoutToken"].(string)
	mu.Unlock()

	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.Navigate(shop.URL+"/?pg="+pg), chromedp.WaitReady(chromedp.CSS("#smartpay-widget iframe"))); err != nil {
		t.Fatalf("shop page: %v", err)
	}
	frames, err := chromedp.Run(sctx, chromedp.Nodes(chromedp.CSSAll("#smartpay-widget iframe")))
	if err != nil || len(frames) != 1 {
		t.Fatalf("widget frame: %v (%d)", err, len(frames))
	}
	f := chromedp.FromNode(frames[0])
	if err := chromedp.Do(sctx, chromedp.WaitVisible(chromedp.CSS("#card-number"), f),
		chromedp.SendKeys(chromedp.CSS("#card-number"), "4242424242424242", f), chromedp.SendKeys(chromedp.CSS("#card-expiry"), "12/31", f),
		chromedp.SendKeys(chromedp.CSS("#card-cvc"), "123", f), chromedp.SendKeys(chromedp.CSS("#card-holder"), "Ana Lima", f),
		chromedp.Click(chromedp.CSS("#pay-button"), f)); err != nil {
		t.Fatalf("paying in the frame: %v", err)
	}
	var result string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		result, _ = chromedp.Run(sctx, chromedp.Evaluate[string](`document.getElementById("result").textContent`))
		if result != "" {
			break
		}
	}
	if result != "ok:"+tx {
		t.Fatalf("the shop's handler got %q, want ok:%s", result, tx)
	}
	if st := call("GET", "/payment/status/"+tx, ""); st["paymentStatus"] != "AUTHORIZATION_COMPLETED" {
		t.Fatalf("status after paying in the widget: %v", st)
	}
}
