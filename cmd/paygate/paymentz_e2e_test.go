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

	"github.com/paygate/paygate/client"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

// A shop that speaks Paymentz points at a running paygate: it logs in,
// sells, refunds and asks for the status through the Paymentz door, and
// the same payment is there in the native API, with the ledger balanced.
func TestPaymentzDoorThroughTheRunningGateway(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	m := runJSON(t, "merchant", "create", "Shop", "--json", "--database", db)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"door-credential", "create", "--merchant", m["merchant_id"], "--username", "shop", "--database", db}, noenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	member := regexp.MustCompile(`memberId: (\d+)`).FindStringSubmatch(out.String())
	secure := regexp.MustCompile(`secureKey: (\S+)`).FindStringSubmatch(out.String())
	if member == nil || secure == nil {
		t.Fatalf("credential output: %q", out.String())
	}
	memberID, key := member[1], secure[1]
	type callback struct {
		body map[string]any
	}
	callbacks := make(chan callback, 16)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		callbacks <- callback{m}
	}))
	t.Cleanup(receiver.Close)
	p := startServe(t, db)
	base := "http://" + p.addr + "/transactionServices/REST/v1"
	post := func(path, token string, form url.Values) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		if token != "" {
			req.Header.Set("AuthToken", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		b, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %d %q", path, resp.StatusCode, b)
		}
		return m
	}
	login := post("/authToken", "", url.Values{"authentication.memberId": {memberID}, "authentication.sKey": {key}})
	token, _ := login["AuthToken"].(string)
	if token == "" {
		t.Fatalf("authToken: %v", login)
	}
	sale := post("/payments", token, url.Values{"authentication.memberId": {memberID}, "paymentType": {"DB"}, "amount": {"50.00"}, "currency": {"EUR"},
		"merchantTransactionId": {"DEP-1"}, "notificationUrl": {receiver.URL + "/pz"}, "card.number": {"4242424242424242"}, "card.expiryMonth": {"12"}, "card.expiryYear": {"2031"}, "card.cvv": {"123"},
		"authentication.checksum": {paymentz.PaymentChecksum(memberID, key, "DEP-1", "50.00")}})
	pid, _ := sale["paymentId"].(string)
	if sale["transactionStatus"] != "Y" || pid == "" {
		t.Fatalf("sale: %v", sale)
	}
	bad := post("/payments/"+pid, token, url.Values{"authentication.memberId": {memberID}, "paymentType": {"RF"}, "amount": {"20.00"},
		"authentication.checksum": {paymentz.FollowUpChecksum(memberID, key, pid, "20.01")}})
	if r, _ := bad["result"].(map[string]any); r["code"] != "70001" {
		t.Fatalf("a refund with a wrong checksum: %v", bad)
	}
	refund := post("/payments/"+pid, token, url.Values{"authentication.memberId": {memberID}, "paymentType": {"RF"}, "amount": {"20.00"},
		"authentication.checksum": {paymentz.FollowUpChecksum(memberID, key, pid, "20.00")}})
	if r, _ := refund["result"].(map[string]any); r["code"] != "00005" {
		t.Fatalf("refund: %v", refund)
	}
	inq := post("/payments/"+pid, token, url.Values{"authentication.memberId": {memberID}, "paymentType": {"IN"},
		"authentication.checksum": {paymentz.LookupChecksum(memberID, key, pid)}})
	if inq["status"] != "partialrefund" {
		t.Fatalf("inquiry: %v", inq)
	}
	// The shop's notificationUrl hears of the sale and the refund in the
	// Paymentz format, each signed with the secure key and carrying the
	// payment as it is when sent.
	seen := map[string]bool{}
	for n := 0; n < 2; n++ {
		select {
		case cb := <-callbacks:
			b := cb.body
			want := paymentz.NotificationChecksum(b["paymentId"].(string), b["merchantTransactionId"].(string), b["amount"].(string), b["transactionStatus"].(string), key)
			if b["checksum"] != want || b["paymentId"] != pid || b["merchantTransactionId"] != "DEP-1" {
				t.Fatalf("callback: %v (want checksum %s)", b, want)
			}
			seen[b["status"].(string)] = true
		case <-time.After(15 * time.Second):
			t.Fatalf("callbacks seen: %v", seen)
		}
	}
	if !seen["partialrefund"] {
		t.Fatalf("callback statuses: %v", seen)
	}
	native, err := client.New("http://"+p.addr, m["secret_key"]).GetPayment(context.Background(), paymentz.NativeID(pid))
	if err != nil || native.AmountCaptured != 5000 || native.AmountRefunded != 2000 || native.Reference != "DEP-1" {
		t.Fatalf("the same payment in the native API: %+v %v", native, err)
	}
	var verify bytes.Buffer
	if err := run(context.Background(), []string{"ledger", "verify", "--database", db}, noenv, &verify, io.Discard); err != nil {
		t.Fatalf("ledger verify: %v\n%s", err, verify.String())
	}
}

// The dashboard is served by the same binary: a person signs in on its page.
func TestDashboardIsServedByTheGateway(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	p := startServe(t, db)
	resp, err := http.Get("http://" + p.addr + "/dashboard/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(strings.ToLower(string(b)), "sign in") || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("GET /dashboard/: %d %s", resp.StatusCode, b)
	}
}
