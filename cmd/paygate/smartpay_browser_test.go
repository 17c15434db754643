package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/paygate/paygate/client"
)

// smartpayHook is a shop's notification target: it keeps every SmartPay
// webhook with the headers it came with.
type smartpayHook struct {
	srv *httptest.Server
	got chan smartpayWebhook
}

type smartpayWebhook struct {
	header http.Header
	raw    []byte
	body   map[string]any
}

func newSmartpayHook(t *testing.T) *smartpayHook {
	h := &smartpayHook{got: make(chan smartpayWebhook, 32)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		h.got <- smartpayWebhook{header: r.Header.Clone(), raw: b, body: m}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// next waits for the webhook whose metadata.paymentStatus is status,
// returning the others seen on the way.
func (h *smartpayHook) next(t *testing.T, status string, seen *[]string) smartpayWebhook {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case wh := <-h.got:
			md, _ := wh.body["metadata"].(map[string]any)
			*seen = append(*seen, fmt.Sprint(wh.body["objectType"], ":", md["paymentStatus"]))
			if wh.body["objectType"] == "payment" && md["paymentStatus"] == status {
				return wh
			}
		case <-timeout:
			t.Fatalf("no %s webhook; seen %v", status, *seen)
		}
	}
}

// SmartPay's createdAt: yyyy-MM-dd'T'HH:mm:ss.SS'Z'.
var smartpayStamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{2}Z$`)

// The whole SmartPay journey through the running binary: the shop creates
// a checkout with its notificationUrl, embeds the widget with the
// checkoutToken, and the payer pays inside the frame in a real browser;
// the shop's successHandler gets the transactionId. The shop hears of the
// authorization and the capture by SmartPay webhooks, which it verifies
// the way SmartPay advises (they carry no signature: it re-reads the
// status of objectId through the door). It captures and refunds through
// the door, the status shows REFUNDED with both modifications, the same
// payment is in the native API and `paygate ledger verify` is clean.
func TestSmartPayWidgetInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	m := runJSON(t, "merchant", "create", "Shop", "--json", "--database", db)
	hook := newSmartpayHook(t)
	shop := newWidgetShop(t)
	p := startServe(t, db, "--public-url", "http://{addr}")
	pg := "http://" + p.addr
	call := smartpayCaller(t, pg, m, shop.srv.URL)
	created := call("POST", "/payment/creation", `{"merchantKey": "`+m["merchant_id"]+`", "partnerReference": "web-1",
		"notificationUrl": "`+hook.srv.URL+`/smartpay",
		"payment": {"amount": 42.50, "currencyCode": "EUR", "description": "Widget order"},
		"consumer": {"firstName": "Ana", "lastName": "Lima", "emailAddress": "ana@example.com"},
		"billingAddress": {"addressLine1": "Anystreet", "number": "1", "city": "Anycity", "postCode": "12345", "countryCode": "DE"}}`)
	tx := created["transactionId"].(string)
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	f := shop.open(t, sctx, pg, created["checkoutToken"].(string))
	if err := chromedp.Do(sctx, chromedp.WaitVisible(chromedp.CSS("#card-number"), f),
		chromedp.SendKeys(chromedp.CSS("#card-number"), "4242424242424242", f), chromedp.SendKeys(chromedp.CSS("#card-expiry"), "12/31", f),
		chromedp.SendKeys(chromedp.CSS("#card-cvc"), "123", f), chromedp.SendKeys(chromedp.CSS("#card-holder"), "Ana Lima", f),
		chromedp.Click(chromedp.CSS("#pay-button"), f)); err != nil {
		t.Fatalf("paying in the frame: %v", err)
	}
	if result := shop.result(t, sctx); result != "ok:"+tx {
		t.Fatalf("the shop's handler got %q, want ok:%s", result, tx)
	}
	st := call("GET", "/payment/status/"+tx, "")
	payID, _ := st["reconciliationReferenceId"].(string)
	if st["paymentStatus"] != "AUTHORIZATION_COMPLETED" || !strings.HasPrefix(payID, "pay_") {
		t.Fatalf("status after paying in the widget: %v", st)
	}

	// A SmartPay webhook as the vendor documents it, for this transaction;
	// no signature and no Basic credentials (paygate sends none), so the
	// shop trusts only what it re-reads through the door.
	var seen []string
	verify := func(wh smartpayWebhook, origin string, acceptable ...string) {
		t.Helper()
		b := wh.body
		md, _ := b["metadata"].(map[string]any)
		if b["eventType"] != "updated" || b["objectId"] != tx || b["objectType"] != "payment" || b["origin"] != origin ||
			md["reconciliationReferenceId"] != payID || b["id"] == "" || !smartpayStamp.MatchString(fmt.Sprint(b["createdAt"])) {
			t.Fatalf("webhook not in SmartPay's format for %s: %s", tx, wh.raw)
		}
		if ct := wh.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || wh.header.Get("Authorization") != "" {
			t.Fatalf("webhook headers %v", wh.header)
		}
		now := call("GET", "/payment/status/"+fmt.Sprint(b["objectId"]), "")["paymentStatus"]
		for _, a := range acceptable {
			if now == a {
				return
			}
		}
		t.Fatalf("the webhook says %v but the status read back is %v", md["paymentStatus"], now)
	}
	verify(hook.next(t, "AUTHORIZATION_COMPLETED", &seen), "widget", "AUTHORIZATION_COMPLETED")

	// Capture and refund through the door.
	mod := func(path, id, amount string) map[string]any {
		body := `{"transactionId": "` + tx + `", "merchantKey": "` + m["merchant_id"] + `", "modificationId": "` + id + `"`
		if amount != "" {
			body += `, "modifiedAmount": {"amount": ` + amount + `, "currencyCode": "EUR"}`
		}
		return call("POST", path, body+"}")
	}
	if c := mod("/payment/capture", "cap-1", ""); c["paymentStatus"] != "CAPTURED" || c["modificationStatus"] != "SUCCEEDED" {
		t.Fatalf("capture: %v", c)
	}
	verify(hook.next(t, "CAPTURED", &seen), "api", "CAPTURED")
	if r := mod("/payment/refund", "ref-1", "42.50"); r["paymentStatus"] != "REFUNDED" || r["modificationType"] != "REFUND" || r["modificationStatus"] != "SUCCEEDED" {
		t.Fatalf("refund: %v", r)
	}
	st = call("GET", "/payment/status/"+tx, "")
	mods, _ := st["modifications"].([]any)
	var got []string
	for _, x := range mods {
		x, _ := x.(map[string]any)
		got = append(got, fmt.Sprint(x["modificationId"], ":", x["modificationType"], ":", x["modificationStatus"], ":", x["amount"]))
	}
	if st["paymentStatus"] != "REFUNDED" || strings.Join(got, " ") != "cap-1:CAPTURE:SUCCEEDED:42.5 ref-1:REFUND:SUCCEEDED:42.5" {
		t.Fatalf("status after the refund: %v (modifications %v)", st["paymentStatus"], got)
	}
	verify(hook.next(t, "REFUNDED", &seen), "api", "REFUNDED")

	// The same payment in the native API; the ledger balances.
	native, err := client.New(pg, m["secret_key"]).GetPayment(context.Background(), payID)
	if err != nil || native.Status != "refunded" || native.Amount != 4250 || native.Currency != "EUR" || native.AmountCaptured != 4250 ||
		native.AmountRefunded != 4250 || native.Reference != "web-1" || native.PaymentMethod.Card.Last4 != "4242" {
		t.Fatalf("the same payment in the native API: %+v %v", native, err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"ledger", "verify", "--database", db}, noenv, &out, io.Discard); err != nil {
		t.Fatalf("ledger verify: %v\n%s", err, out.String())
	}
}

// --smartpay-settle-after reaches the SmartPay door of the running binary:
// a captured payment turns SETTLED that long after its capture, and the
// shop's notification URL gets the SETTLED webhook. Values out of range,
// by flag or environment, stop paygate before it serves.
func TestSmartPaySettleAfterSetting(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	for name, c := range map[string]struct {
		args []string
		env  map[string]string
	}{
		"a negative flag":        {args: []string{"--smartpay-settle-after", "-1s"}},
		"more than 90 days":      {args: []string{"--smartpay-settle-after", "2161h"}},
		"an unreadable variable": {env: map[string]string{"PAYGATE_SMARTPAY_SETTLE_AFTER": "tomorrow"}},
	} {
		err := run(context.Background(), append([]string{"serve", "--database", db, "--addr", "127.0.0.1:0"}, c.args...),
			func(k string) string { return c.env[k] }, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "SMARTPAY_SETTLE_AFTER") && !strings.Contains(err.Error(), "--smartpay-settle-after") {
			t.Errorf("%s: %v", name, err)
		}
	}

	m := runJSON(t, "merchant", "create", "Shop", "--json", "--database", db)
	hook := newSmartpayHook(t)
	p := startServe(t, db, "--public-url", "http://{addr}", "--smartpay-settle-after", "1s")
	pg := "http://" + p.addr
	call := smartpayCaller(t, pg, m, "https://shop.example")
	created := call("POST", "/payment/creation", `{"merchantKey": "`+m["merchant_id"]+`", "notificationUrl": "`+hook.srv.URL+`/smartpay",
		"payment": {"amount": 10.00, "currencyCode": "EUR"},
		"consumer": {"firstName": "Ana", "lastName": "Lima", "emailAddress": "ana@example.com"},
		"billingAddress": {"addressLine1": "Anystreet", "number": "1", "city": "Anycity", "postCode": "12345", "countryCode": "DE"}}`)
	tx := created["transactionId"].(string)
	payHostedPage(t, pg, created["checkoutToken"].(string))
	if c := call("POST", "/payment/capture", `{"transactionId": "`+tx+`", "merchantKey": "`+m["merchant_id"]+`", "modificationId": "cap-1"}`); c["paymentStatus"] != "CAPTURED" {
		t.Fatalf("capture: %v", c)
	}
	var seen []string
	wh := hook.next(t, "SETTLED", &seen)
	if wh.body["objectId"] != tx || wh.body["origin"] != "automated" || !sameEvents(seen, "payment:AUTHORIZATION_COMPLETED", "payment:CAPTURED", "payment:SETTLED") {
		t.Fatalf("SETTLED webhook %s; seen %v", wh.raw, seen)
	}
	if st := call("GET", "/payment/status/"+tx, ""); st["paymentStatus"] != "SETTLED" {
		t.Fatalf("status after the SETTLED webhook: %v", st["paymentStatus"])
	}
}

var hostedCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// payHostedPage pays a checkout token with the test Visa on the hosted
// page, as the widget's frame posts it.
func payHostedPage(t *testing.T, pg, token string) {
	t.Helper()
	nc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := nc.Get(pg + "/checkout/" + token)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := hostedCSRF.FindStringSubmatch(string(page))
	if resp.StatusCode != 200 || csrf == nil {
		t.Fatalf("hosted page: %d", resp.StatusCode)
	}
	form := url.Values{"csrf": {csrf[1]}, "number": {"4242424242424242"}, "expiry": {"12/31"}, "cvc": {"123"}, "holder": {"Ana Lima"}}
	req, _ := http.NewRequest("POST", pg+"/checkout/"+token, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", pg)
	resp, err = nc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		t.Fatalf("paying on the hosted page: %d", resp.StatusCode)
	}
}

// widgetShop is a shop's checkout page embedding the SmartPay widget; its
// handlers write "ok:<transactionId>" or "error:<code>" into #result.
type widgetShop struct {
	srv   *httptest.Server
	mu    sync.Mutex
	token string
}

func newWidgetShop(t *testing.T) *widgetShop {
	s := &widgetShop{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		fmt.Fprintf(w, `<!doctype html><html><body><h1>Checkout</h1><div id="smartpay-widget"></div><p id="result"></p>
<script src="%s"></script><script>
SmartPay.widget({checkoutToken: %q, container: "#smartpay-widget", height: 700,
  successHandler: function (r) { document.getElementById("result").textContent = "ok:" + r.transactionId; },
  errorHandler: function (e) { document.getElementById("result").textContent = "error:" + e.code; }});
</script></body></html>`, r.URL.Query().Get("pg")+"/payment/widget/smartpay.js", s.token)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// open shows the shop's page for a checkout token and returns the
// widget's frame, once the frame's card form is there.
func (s *widgetShop) open(t *testing.T, ctx context.Context, pg, token string) chromedp.QueryOption {
	t.Helper()
	s.mu.Lock()
	s.token = token
	s.mu.Unlock()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+"/?pg="+pg), chromedp.WaitReady(chromedp.CSS("#smartpay-widget iframe"))); err != nil {
		t.Fatalf("shop page: %v", err)
	}
	frames, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#smartpay-widget iframe")))
	if err != nil || len(frames) != 1 {
		t.Fatalf("widget frame: %v (%d)", err, len(frames))
	}
	f := chromedp.FromNode(frames[0])
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#card-number"), f)); err != nil {
		t.Fatalf("the widget's card form: %v", err)
	}
	return f
}

// result waits for one of the shop's handlers to be called and returns what it wrote.
func (s *widgetShop) result(t *testing.T, ctx context.Context) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#result:not(:empty)"))); err != nil {
		t.Fatalf("the shop's handler was not called: %v", err)
	}
	r, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#result")))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// smartpayCaller calls the SmartPay door as merchant m with Basic
// authentication from origin, and fails the test unless it answers 200.
func smartpayCaller(t *testing.T, pg string, m map[string]string, origin string) func(method, path, body string) map[string]any {
	return func(method, path, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, pg+path, strings.NewReader(body))
		req.SetBasicAuth(m["merchant_id"], m["secret_key"])
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
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
}

// A payer who cancels in the widget: the shop's errorHandler gets
// CANCELLED (never the successHandler), and nothing was paid: the status
// through the door is still CREATED, with no payment behind it.
func TestSmartPayWidgetCancelCallsTheErrorHandler(t *testing.T) {
	ctx := chromium(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	m := runJSON(t, "merchant", "create", "Shop", "--json", "--database", db)
	shop := newWidgetShop(t)
	p := startServe(t, db, "--public-url", "http://{addr}")
	pg := "http://" + p.addr
	call := smartpayCaller(t, pg, m, shop.srv.URL)
	created := call("POST", "/payment/creation", `{"merchantKey": "`+m["merchant_id"]+`",
		"payment": {"amount": 9.99, "currencyCode": "EUR", "description": "Widget order"},
		"consumer": {"firstName": "Ana", "lastName": "Lima", "emailAddress": "ana@example.com"},
		"billingAddress": {"addressLine1": "Anystreet", "number": "1", "city": "Anycity", "postCode": "12345", "countryCode": "DE"}}`)
	tx := created["transactionId"].(string)
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	f := shop.open(t, sctx, pg, created["checkoutToken"].(string))
	if err := chromedp.Do(sctx, chromedp.WaitVisible(chromedp.CSS("#cancel-link"), f), chromedp.Click(chromedp.CSS("#cancel-link"), f)); err != nil {
		t.Fatalf("cancelling in the frame: %v", err)
	}
	if result := shop.result(t, sctx); result != "error:CANCELLED" {
		t.Fatalf("the shop's handler got %q, want error:CANCELLED", result)
	}
	if st := call("GET", "/payment/status/"+tx, ""); st["paymentStatus"] != "CREATED" || st["reconciliationReferenceId"] != nil {
		t.Fatalf("status after cancelling: %v", st)
	}
}

// --smartpay-settle-after is off by default; the environment sets it and
// the flag beats the environment.
func TestSmartPaySettleAfterParsing(t *testing.T) {
	for name, c := range map[string]struct {
		args []string
		env  map[string]string
		want time.Duration
	}{
		"off by default":              {want: 0},
		"the environment sets it":     {env: map[string]string{"PAYGATE_SMARTPAY_SETTLE_AFTER": "48h"}, want: 48 * time.Hour},
		"the flag beats the variable": {args: []string{"--smartpay-settle-after", "36h"}, env: map[string]string{"PAYGATE_SMARTPAY_SETTLE_AFTER": "48h"}, want: 36 * time.Hour},
	} {
		cfg, _, err := parse("serve", c.args, func(k string) string { return c.env[k] }, io.Discard, nil)
		if err != nil || cfg.SmartPaySettleAfter != c.want {
			t.Errorf("%s: %v, %v; want %v", name, cfg.SmartPaySettleAfter, err, c.want)
		}
	}
}

// sameEvents reports whether seen holds exactly want, in any order:
// webhooks are delivered at least once and concurrently, so the
// AUTHORIZATION_COMPLETED and CAPTURED of one payment may arrive either way
// round (each carries its own createdAt; SmartPay advises reading the
// status rather than trusting the order).
func sameEvents(seen []string, want ...string) bool {
	got := slices.Clone(seen)
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	return slices.Equal(got, want)
}
