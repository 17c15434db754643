package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/paygate/paygate/client"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

// pzShop is a Paymentz merchant's side of a test: its credential, the
// running gateway, and the shop's notificationUrl and merchantRedirectUrl.
type pzShop struct {
	t         *testing.T
	db        string
	merchant  map[string]string
	memberID  string
	key       string
	base      string
	addr      string
	token     string
	callbacks chan map[string]any
	backs     chan url.Values
	url       string
}

// newPzShop starts paygate (extra flags appended) with a merchant holding a
// Paymentz credential, and a shop that receives callbacks on /pz and the
// payer's return on /back.
func newPzShop(t *testing.T, extra ...string) *pzShop {
	t.Helper()
	s := &pzShop{t: t, db: "sqlite:" + filepath.Join(t.TempDir(), "p.db"), callbacks: make(chan map[string]any, 32), backs: make(chan url.Values, 4)}
	s.merchant = runJSON(t, "merchant", "create", "Shop", "--json", "--database", s.db)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"door-credential", "create", "--merchant", s.merchant["merchant_id"], "--database", s.db}, noenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	s.memberID = regexp.MustCompile(`memberId: (\d+)`).FindStringSubmatch(out.String())[1]
	s.key = regexp.MustCompile(`secureKey: (\S+)`).FindStringSubmatch(out.String())[1]
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "POST" && r.URL.Path == "/pz":
			var m map[string]any
			_ = json.NewDecoder(r.Body).Decode(&m)
			s.callbacks <- m
			return
		case r.Method == "POST" && r.URL.Path == "/back":
			_ = r.ParseForm()
			s.backs <- r.PostForm
		}
		w.Write([]byte("<!doctype html><title>Thank you</title><p id=thanks>Thank you</p>"))
	}))
	t.Cleanup(shop.Close)
	s.url = shop.URL
	p := startServe(t, s.db, append([]string{"--public-url", "http://{addr}"}, extra...)...)
	s.addr = p.addr
	s.base = "http://" + p.addr + "/transactionServices/REST/v1"
	login := s.post("/authToken", url.Values{"authentication.memberId": {s.memberID}, "authentication.sKey": {s.key}})
	if s.token, _ = login["AuthToken"].(string); s.token == "" {
		t.Fatalf("authToken: %v", login)
	}
	return s
}

// post sends a form to the door and returns its JSON answer.
func (s *pzShop) post(path string, form url.Values) map[string]any {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if s.token != "" {
		req.Header.Set("AuthToken", s.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		s.t.Fatalf("%s: %d %q", path, resp.StatusCode, b)
	}
	return m
}

func resultCode(m map[string]any) any {
	r, _ := m["result"].(map[string]any)
	return r["code"]
}

// callback waits for the signed callback of paymentId whose long status is
// status, checking every callback's checksum on the way.
func (s *pzShop) callback(pid, status string) map[string]any {
	s.t.Helper()
	var seen []any
	deadline := time.After(20 * time.Second)
	for {
		select {
		case b := <-s.callbacks:
			str := func(k string) string { v, _ := b[k].(string); return v }
			want := paymentz.NotificationChecksum(str("paymentId"), str("merchantTransactionId"), str("amount"), str("transactionStatus"), s.key)
			if b["checksum"] != want {
				s.t.Fatalf("a callback whose checksum does not verify: %v (want %s)", b, want)
			}
			seen = append(seen, b["status"])
			if b["paymentId"] == pid && b["status"] == status {
				return b
			}
		case <-deadline:
			s.t.Fatalf("no %s callback for %s; seen %v", status, pid, seen)
		}
	}
}

// back waits for the payer's signed return to merchantRedirectUrl.
func (s *pzShop) back() url.Values {
	s.t.Helper()
	select {
	case f := <-s.backs:
		want := paymentz.NotificationChecksum(f.Get("paymentId"), f.Get("merchantTransactionId"), f.Get("amount"), f.Get("transactionStatus"), s.key)
		if f.Get("checksum") != want {
			s.t.Fatalf("the return to merchantRedirectUrl is not signed: %v (want checksum %s)", f, want)
		}
		return f
	case <-time.After(10 * time.Second):
		s.t.Fatal("the payer never came back to merchantRedirectUrl")
	}
	return nil
}

// browse runs browser steps, failing with the page the browser is on.
func browse(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
		defer wcancel()
		loc, _ := chromedp.Run(wctx, chromedp.Location())
		body, _ := chromedp.Run(wctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("browser: %v at %s:\n%s", err, loc, body)
	}
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// Issue #7 for the Paymentz door, in one flow a shop and its payer see: a
// 3-D Secure sale through the door with notificationUrl and
// merchantRedirectUrl answers 3D with a redirect; the payer passes the
// challenge in a real browser and comes back to merchantRedirectUrl by a
// signed POST; the signed callback reaches notificationUrl; the shop asks
// the status (IN), refunds part (RF), asks again (partialrefund); the same
// payment is in the native API and the ledger verifies.
func TestPaymentz3DSecureInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	s := newPzShop(t)
	sale := s.post("/payments", url.Values{"paymentType": {"DB"}, "amount": {"20.00"}, "currency": {"EUR"}, "merchantTransactionId": {"TDS-1"},
		"card.number": {"4000002760003184"}, "card.expiryMonth": {"12"}, "card.expiryYear": {"2031"}, "card.cvv": {"123"},
		"merchantRedirectUrl": {s.url + "/back"}, "notificationUrl": {s.url + "/pz"},
		"authentication.checksum": {paymentz.PaymentChecksum(s.memberID, s.key, "TDS-1", "20.00")}})
	redirect, _ := sale["redirect"].(map[string]any)
	pid, _ := sale["paymentId"].(string)
	if sale["transactionStatus"] != "3D" || resultCode(sale) != "90026" || redirect == nil || pid == "" {
		t.Fatalf("3-D Secure sale: %v", sale)
	}
	browse(t, ctx, chromedp.Navigate(redirect["url"].(string)), chromedp.WaitVisible(css("#otp")),
		chromedp.SendKeys(css("#otp"), "password"), chromedp.Click(css("#acs-submit")), chromedp.WaitVisible(css("#thanks")))
	if f := s.back(); f.Get("paymentId") != pid || f.Get("transactionStatus") != "Y" || f.Get("merchantTransactionId") != "TDS-1" || f.Get("amount") != "20.00" {
		t.Fatalf("the return to merchantRedirectUrl: %v", f)
	}
	if cb := s.callback(pid, "capturesuccess"); cb["transactionStatus"] != "Y" || cb["amount"] != "20.00" || resultCode(cb) != "00001" {
		t.Fatalf("the sale's callback: %v", cb)
	}
	inquiry := func() map[string]any {
		return s.post("/payments/"+pid, url.Values{"paymentType": {"IN"}, "authentication.checksum": {paymentz.LookupChecksum(s.memberID, s.key, pid)}})
	}
	if in := inquiry(); in["status"] != "capturesuccess" || in["transactionStatus"] != "Y" || resultCode(in) != "00026" {
		t.Fatalf("inquiry after paying: %v", in)
	}
	rf := s.post("/payments/"+pid, url.Values{"paymentType": {"RF"}, "amount": {"5.00"}, "authentication.checksum": {paymentz.FollowUpChecksum(s.memberID, s.key, pid, "5.00")}})
	if resultCode(rf) != "00005" || rf["paymentId"] != pid {
		t.Fatalf("refund: %v", rf)
	}
	if in := inquiry(); in["status"] != "partialrefund" || in["amount"] != "20.00" {
		t.Fatalf("inquiry after a partial refund: %v", in)
	}
	s.callback(pid, "partialrefund")
	native, err := client.New("http://"+s.addr, s.merchant["secret_key"]).GetPayment(context.Background(), paymentz.NativeID(pid))
	if err != nil || native.Status != "partially_refunded" || native.AmountCaptured != 2000 || native.AmountRefunded != 500 || native.Reference != "TDS-1" {
		t.Fatalf("the same payment in the native API: %+v %v", native, err)
	}
	var verify bytes.Buffer
	if err := run(context.Background(), []string{"ledger", "verify", "--database", s.db}, noenv, &verify, io.Discard); err != nil {
		t.Fatalf("ledger verify: %v\n%s", err, verify.String())
	}
}

// hostedPay fills paygate's hosted page with a card and pays.
func hostedPay(page, number string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{chromedp.Navigate(page), chromedp.WaitVisible(css("#card-number")),
		chromedp.SendKeys(css("#card-number"), number), chromedp.SendKeys(css("#card-expiry"), "12/31"),
		chromedp.SendKeys(css("#card-cvc"), "123"), chromedp.Click(css("#pay-button"))}
}

// The vendor's asynchronous flow through the door: a sale without card
// data answers P / 10004 with redirect{url, GET} to paygate's hosted page;
// the payer pays there in a real browser and is brought back to
// merchantRedirectUrl by a signed POST, the signed callback reaches
// notificationUrl, and the paymentId stays the one first answered (IN,
// RF, the native payment's checkout session). A pending sandbox card
// answers P / 10004 too, on the hosted page or sent as card data, and its
// callback turns Y once the gateway's polling resolves it (the recovery
// loop runs every 200 ms here instead of 5 s). A payer who cancels on the
// page is brought back too, with the signed pending result.
func TestPaymentzHostedPageInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	s := newPzShop(t, "--recovery-interval", "200ms")
	async := func(mtid, amount string) (string, string) {
		t.Helper()
		sale := s.post("/payments", url.Values{"paymentType": {"DB"}, "amount": {amount}, "currency": {"EUR"}, "merchantTransactionId": {mtid},
			"merchantRedirectUrl": {s.url + "/back"}, "notificationUrl": {s.url + "/pz"},
			"authentication.checksum": {paymentz.PaymentChecksum(s.memberID, s.key, mtid, amount)}})
		redirect, _ := sale["redirect"].(map[string]any)
		pid, _ := sale["paymentId"].(string)
		if sale["transactionStatus"] != "P" || resultCode(sale) != "10004" || redirect == nil || redirect["method"] != "GET" || pid == "" {
			t.Fatalf("a sale without card data: %v", sale)
		}
		return pid, redirect["url"].(string)
	}
	pid, page := async("AS-1", "12.50")
	browse(t, ctx, append(hostedPay(page, "4242424242424242"), chromedp.WaitVisible(css("#thanks")))...)
	if f := s.back(); f.Get("paymentId") != pid || f.Get("transactionStatus") != "Y" || f.Get("merchantTransactionId") != "AS-1" || f.Get("amount") != "12.50" {
		t.Fatalf("the return to merchantRedirectUrl: %v", f)
	}
	if cb := s.callback(pid, "capturesuccess"); cb["transactionStatus"] != "Y" || resultCode(cb) != "00001" || cb["amount"] != "12.50" {
		t.Fatalf("the callback: %v", cb)
	}
	rf := s.post("/payments/"+pid, url.Values{"paymentType": {"RF"}, "amount": {"2.50"}, "authentication.checksum": {paymentz.FollowUpChecksum(s.memberID, s.key, pid, "2.50")}})
	in := s.post("/payments/"+pid, url.Values{"paymentType": {"IN"}, "authentication.checksum": {paymentz.LookupChecksum(s.memberID, s.key, pid)}})
	if resultCode(rf) != "00005" || in["status"] != "partialrefund" || in["paymentId"] != pid {
		t.Fatalf("refund %v, then inquiry %v", rf, in)
	}
	list, err := client.New("http://"+s.addr, s.merchant["secret_key"]).ListPayments(context.Background(), client.ListPaymentsParams{Reference: "AS-1"})
	if err != nil || len(list.Data) != 1 || list.Data[0].AmountRefunded != 250 ||
		"cs_"+strings.TrimPrefix(paymentz.NativeID(pid), "pay_") != list.Data[0].Metadata["checkout_session"] {
		t.Fatalf("the same payment in the native API: %+v %v", list, err)
	}

	pending, page := async("AS-2", "7.00")
	browse(t, ctx, append(hostedPay(page, "4000009900000004"), chromedp.WaitVisible(css("#message-title")))...)
	if cb := s.callback(pending, "capturesuccess"); cb["transactionStatus"] != "Y" {
		t.Fatalf("the pending payment's callback: %v", cb)
	}

	// A payer who cancels on the hosted page comes back signed, still pending.
	cancelled, page := async("AS-3", "4.00")
	browse(t, ctx, chromedp.Navigate(page), chromedp.WaitVisible(css("#cancel-link")), chromedp.Click(css("#cancel-link")), chromedp.WaitVisible(css("#thanks")))
	if f := s.back(); f.Get("paymentId") != cancelled || f.Get("transactionStatus") != "P" || f.Get("merchantTransactionId") != "AS-3" {
		t.Fatalf("the return after cancelling: %v", f)
	}

	direct := s.post("/payments", url.Values{"paymentType": {"DB"}, "amount": {"9.00"}, "currency": {"EUR"}, "merchantTransactionId": {"PEND-1"},
		"card.number": {"4000009900000004"}, "card.expiryMonth": {"12"}, "card.expiryYear": {"2031"}, "card.cvv": {"123"}, "notificationUrl": {s.url + "/pz"},
		"authentication.checksum": {paymentz.PaymentChecksum(s.memberID, s.key, "PEND-1", "9.00")}})
	if direct["transactionStatus"] != "P" || resultCode(direct) != "10004" {
		t.Fatalf("a pending card sent as card data: %v", direct)
	}
	if cb := s.callback(direct["paymentId"].(string), "capturesuccess"); cb["transactionStatus"] != "Y" || resultCode(cb) != "00001" {
		t.Fatalf("the pending card's callback: %v", cb)
	}
	var verify bytes.Buffer
	if err := run(context.Background(), []string{"ledger", "verify", "--database", s.db}, noenv, &verify, io.Discard); err != nil {
		t.Fatalf("ledger verify: %v\n%s", err, verify.String())
	}
}
