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
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

// A Paymentz shop's payer passes 3-D Secure in a real browser: the sale
// answers transactionStatus 3D with a redirect, the payer authenticates on
// paygate's page, and comes back to merchantRedirectUrl by a POST carrying
// the signed result, as the vendor does.
func TestPaymentz3DSecureInTheBrowser(t *testing.T) {
	ctx := chromium(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	m := runJSON(t, "merchant", "create", "Shop", "--json", "--database", db)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"door-credential", "create", "--merchant", m["merchant_id"], "--database", db}, noenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	memberID := regexp.MustCompile(`memberId: (\d+)`).FindStringSubmatch(out.String())[1]
	key := regexp.MustCompile(`secureKey: (\S+)`).FindStringSubmatch(out.String())[1]
	backs := make(chan url.Values, 4)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && r.URL.Path == "/back" {
			_ = r.ParseForm()
			backs <- r.PostForm
		}
		w.Write([]byte("<!doctype html><title>Thank you</title><p id=thanks>Thank you</p>"))
	}))
	t.Cleanup(shop.Close)
	p := startServe(t, db, "--public-url", "http://{addr}")
	base := "http://" + p.addr + "/transactionServices/REST/v1"
	post := func(path, token string, form url.Values) map[string]any {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("AuthToken", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return m
	}
	token, _ := post("/authToken", "", url.Values{"authentication.memberId": {memberID}, "authentication.sKey": {key}})["AuthToken"].(string)
	sale := post("/payments", token, url.Values{"paymentType": {"DB"}, "amount": {"20.00"}, "currency": {"EUR"}, "merchantTransactionId": {"TDS-1"},
		"card.number": {"4000002760003184"}, "card.expiryMonth": {"12"}, "card.expiryYear": {"2031"}, "card.cvv": {"123"},
		"merchantRedirectUrl": {shop.URL + "/back"}, "authentication.checksum": {paymentz.PaymentChecksum(memberID, key, "TDS-1", "20.00")}})
	redirect, _ := sale["redirect"].(map[string]any)
	if sale["transactionStatus"] != "3D" || redirect == nil {
		t.Fatalf("3-D Secure sale: %v", sale)
	}
	sctx, cancel := context.WithTimeout(ctx, 40*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.Navigate(redirect["url"].(string)), chromedp.WaitVisible(chromedp.CSS("#otp")),
		chromedp.SendKeys(chromedp.CSS("#otp"), "password"), chromedp.Click(chromedp.CSS("#acs-submit")), chromedp.WaitVisible(chromedp.CSS("#thanks"))); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("browser: %v at %s", err, loc)
	}
	select {
	case f := <-backs:
		pid := f.Get("paymentId")
		want := paymentz.NotificationChecksum(pid, "TDS-1", "20.00", f.Get("transactionStatus"), key)
		if pid != sale["paymentId"] || f.Get("transactionStatus") != "Y" || f.Get("checksum") != want || f.Get("merchantTransactionId") != "TDS-1" {
			t.Fatalf("the return to merchantRedirectUrl: %v (want checksum %s)", f, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the payer never came back to merchantRedirectUrl")
	}
}
