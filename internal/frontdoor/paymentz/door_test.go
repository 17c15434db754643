package paymentz_test

import (
	"context"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
	"github.com/paygate/paygate/internal/payment"
)

func TestAuthToken(t *testing.T) {
	e := newEnv(t)
	t.Run("member id and secure key give a one-hour PZ token", func(t *testing.T) {
		r := e.post("/authToken", url.Values{"authentication.memberId": {e.member}, "authentication.sKey": {e.key}})
		m := r.json(t)
		if r.status != 200 || r.code(t) != "200" || m["memberId"] != e.member || m["LoginName"] != "shop-a" || m["partnerId"] != "7" || m["AuthToken"] == "" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if _, err := time.Parse("2006-01-02 15:04:05", m["timestamp"].(string)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the username logs in too, with a JSON body", func(t *testing.T) {
		r := e.send("/authToken", "application/json", `{"authentication":{"partnerId":"7","sKey":"`+e.key+`"},"merchant":{"username":"shop-a"}}`)
		if r.status != 200 || r.json(t)["memberId"] != e.member {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	for name, form := range map[string]url.Values{
		"a wrong secure key":        {"authentication.memberId": {e.member}, "authentication.sKey": {e.key + "x"}},
		"an unknown member":         {"authentication.memberId": {"1"}, "authentication.sKey": {e.key}},
		"an unknown username":       {"merchant.username": {"nobody"}, "authentication.sKey": {e.key}},
		"another partner":           {"authentication.memberId": {e.member}, "authentication.sKey": {e.key}, "authentication.partnerId": {"8"}},
		"no secure key":             {"authentication.memberId": {e.member}},
		"a member id that is words": {"authentication.memberId": {"abc"}, "authentication.sKey": {e.key}},
	} {
		t.Run(name+" is refused with Authorization failed", func(t *testing.T) {
			r := e.post("/authToken", form)
			if r.status != 401 || r.code(t) != "70002" || r.json(t)["AuthToken"] != nil {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	t.Run("calls without a valid token are refused with 10182", func(t *testing.T) {
		tok := e.token()
		form := e.sale("DB", "T-1", "10.00", "EUR", "4242424242424242")
		for _, h := range [][]string{{}, {"AuthToken", tok + "x"}, {"AuthToken", "a.b.c"}, {"X-Authorization", "Bearer " + tok}} {
			r := e.post("/payments", form, h...)
			if r.status != 401 || r.code(t) != "10182" {
				t.Fatalf("%v: %d %s", h, r.status, r.body)
			}
		}
	})
	t.Run("the X-Authorization variant is accepted", func(t *testing.T) {
		r := e.post("/payments", e.sale("DB", "T-2", "10.00", "EUR", "4242424242424242"), "X-Authorization", "AuthToken :"+e.token())
		if r.status != 200 || r.code(t) != "00001" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("a token expires after one hour", func(t *testing.T) {
		tok := e.token()
		e.clock.advance(time.Hour + time.Second)
		r := e.post("/payments", e.sale("DB", "T-3", "10.00", "EUR", "4242424242424242"), "AuthToken", tok)
		if r.status != 401 || r.code(t) != "10182" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("a body naming another memberId than the token is refused", func(t *testing.T) {
		form := e.sale("DB", "T-4", "10.00", "EUR", "4242424242424242")
		form.Set("authentication.memberId", "12345678")
		r := e.post("/payments", form, "AuthToken", e.token())
		if r.status != 401 || r.code(t) != "70002" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

func TestSale(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	ctx := context.Background()
	m := e.pay(tok, e.sale("DB", "ORDER-1", "50.00", "EUR", "4242424242424242"))
	pid := m["paymentId"].(string)
	t.Run("a sale succeeds with Y, capturesuccess and 00001", func(t *testing.T) {
		card := m["card"].(map[string]any)
		if m["transactionStatus"] != "Y" || m["status"] != "capturesuccess" || m["amount"] != "50.00" || m["currency"] != "EUR" ||
			m["merchantTransactionId"] != "ORDER-1" || m["paymentType"] != "DB" || m["paymentBrand"] != "VISA" ||
			card["bin"] != "424242" || card["last4Digits"] != "4242" || card["expiryMonth"] != "12" || card["expiryYear"] != "2030" {
			t.Fatalf("%v", m)
		}
		if strings.Trim(pid, "0123456789") != "" {
			t.Fatalf("paymentId %q is not numeric", pid)
		}
	})
	t.Run("the native API sees the same payment under the native id", func(t *testing.T) {
		p, _, err := e.engine.GetPayment(ctx, e.actor, paymentz.NativeID(pid))
		if err != nil || p.Amount != 5000 || p.Status != payment.Captured || p.Reference != "ORDER-1" || paymentz.PaymentID(p.ID) != pid {
			t.Fatalf("%+v %v", p, err)
		}
	})
	t.Run("the same merchantTransactionId again does not charge twice", func(t *testing.T) {
		again := e.pay(tok, e.sale("DB", "ORDER-1", "50.00", "EUR", "4242424242424242"))
		if again["paymentId"] != pid || again["transactionStatus"] != "Y" {
			t.Fatalf("%v", again)
		}
		ps, _, _ := e.engine.ListPayments(ctx, e.actor, engine.PaymentFilter{Reference: "ORDER-1", Limit: 10})
		if len(ps) != 1 {
			t.Fatalf("%d payments for ORDER-1", len(ps))
		}
	})
	t.Run("the same merchantTransactionId with another amount is refused", func(t *testing.T) {
		r := e.post("/payments", e.sale("DB", "ORDER-1", "60.00", "EUR", "4242424242424242"), "AuthToken", tok)
		if r.status != 409 || r.code(t) != "70005" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("a wrong or missing checksum is refused and changes nothing", func(t *testing.T) {
		for _, sum := range []string{"", strings.Repeat("0", 32), paymentz.PaymentChecksum(e.member, e.key, "ORDER-2", "50.0")} {
			form := e.sale("DB", "ORDER-2", "50.00", "EUR", "4242424242424242")
			form.Set("authentication.checksum", sum)
			r := e.post("/payments", form, "AuthToken", tok)
			if r.status != 400 || r.code(t) != "70001" {
				t.Fatalf("%d %s", r.status, r.body)
			}
		}
		ps, _, _ := e.engine.ListPayments(ctx, e.actor, engine.PaymentFilter{Reference: "ORDER-2", Limit: 10})
		if len(ps) != 0 {
			t.Fatal("a payment was created")
		}
	})
	t.Run("an upper-case checksum is the same checksum", func(t *testing.T) {
		form := e.sale("DB", "ORDER-U", "1.00", "EUR", "4242424242424242")
		form.Set("authentication.checksum", strings.ToUpper(form.Get("authentication.checksum")))
		if m := e.pay(tok, form); m["transactionStatus"] != "Y" {
			t.Fatalf("%v", m)
		}
	})
	for _, amount := range []string{"50.0", "50", "50.000", "-50.00", "0.00", "5O.00", "050.00", " 50.00"} {
		t.Run("the amount "+amount+" is refused for EUR", func(t *testing.T) {
			r := e.post("/payments", e.sale("DB", "ORDER-A", amount, "EUR", "4242424242424242"), "AuthToken", tok)
			if r.status != 400 || r.code(t) != "70003" {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	t.Run("JPY is sent without decimals, KWD with three", func(t *testing.T) {
		if m := e.pay(tok, e.sale("DB", "ORDER-JPY", "500", "JPY", "4242424242424242")); m["amount"] != "500" {
			t.Fatalf("%v", m)
		}
		if m := e.pay(tok, e.sale("DB", "ORDER-KWD", "86.000", "KWD", "4242424242424242")); m["amount"] != "86.000" {
			t.Fatalf("%v", m)
		}
	})
	t.Run("a declined card answers N with the decline code", func(t *testing.T) {
		m := e.pay(tok, e.sale("DB", "ORDER-D", "10.00", "EUR", "4000000000000002"))
		if m["transactionStatus"] != "N" || m["status"] != "failed" || m["result"].(map[string]any)["code"] != "20007" {
			t.Fatalf("%v", m)
		}
	})
	t.Run("a 3-D Secure card answers 3D, 90026 and the redirect", func(t *testing.T) {
		m := e.pay(tok, e.sale("DB", "ORDER-3D", "10.00", "EUR", "4000002760003184"))
		red, _ := m["redirect"].(map[string]any)
		if m["transactionStatus"] != "3D" || m["status"] != "authstarted_3D" || m["result"].(map[string]any)["code"] != "90026" ||
			red == nil || !strings.HasPrefix(red["url"].(string), "http://pg.test") || red["method"] != "GET" {
			t.Fatalf("%v", m)
		}
	})
	t.Run("a JSON body with nested objects and numbers works", func(t *testing.T) {
		body := `{"authentication":{"memberId":` + e.member + `,"checksum":"` + paymentz.PaymentChecksum(e.member, e.key, "ORDER-J", "12.50") + `"},` +
			`"paymentType":"DB","merchantTransactionId":"ORDER-J","amount":12.50,"currency":"EUR",` +
			`"card":{"number":"4242424242424242","expiryMonth":"12","expiryYear":2030,"cvv":"123"}}`
		r := e.send("/payments", "application/json", body, "AuthToken", tok)
		if r.status != 200 || r.json(t)["amount"] != "12.50" || r.code(t) != "00001" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("Accept application/xml answers XML", func(t *testing.T) {
		r := e.post("/payments", e.sale("DB", "ORDER-X", "20.00", "EUR", "4242424242424242"), "AuthToken", tok, "Accept", "application/xml")
		var x struct {
			XMLName           xml.Name `xml:"response"`
			PaymentID         string   `xml:"paymentId"`
			TransactionStatus string   `xml:"transactionStatus"`
			Code              string   `xml:"result>code"`
		}
		if err := xml.Unmarshal(r.body, &x); err != nil || x.TransactionStatus != "Y" || x.Code != "00001" || x.PaymentID == "" ||
			!strings.HasPrefix(r.header.Get("Content-Type"), "application/xml") {
			t.Fatalf("%v %s", err, r.body)
		}
	})
	t.Run("the card number and CVV never reach the logs", func(t *testing.T) {
		e.post("/payments", e.sale("DB", "ORDER-L", "1.00", "EUR", "4242424242424241"), "AuthToken", tok) // Luhn-invalid
		if logs := e.logs.String(); strings.Contains(logs, "4242424242424242") || strings.Contains(logs, "4242424242424241") {
			t.Fatal("card number in logs")
		}
	})
	t.Run("an invalid card is refused without echoing the number", func(t *testing.T) {
		r := e.post("/payments", e.sale("DB", "ORDER-L2", "1.00", "EUR", "4242424242424241"), "AuthToken", tok)
		if r.status != 400 || r.code(t) != "70003" || strings.Contains(string(r.body), "424242424242") {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

// backoffice signs and posts a CP, RF, RV or IN on a payment.
func (e *env) backoffice(tok, pid, typ, amount string, extra ...string) resp {
	e.t.Helper()
	form := url.Values{"paymentType": {typ}, "authentication.memberId": {e.member}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	id := pid
	if form.Get("idType") == "MID" {
		id = form.Get("merchantTransactionId")
	}
	if amount != "" {
		form.Set("amount", amount)
		form.Set("authentication.checksum", paymentz.FollowUpChecksum(e.member, e.key, pid, amount))
	} else {
		form.Set("authentication.checksum", paymentz.LookupChecksum(e.member, e.key, id))
	}
	return e.post("/payments/"+pid, form, "AuthToken", tok)
}

func TestBackoffice(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	ctx := context.Background()
	pa := e.pay(tok, e.sale("PA", "PRE-1", "100.00", "EUR", "4242424242424242"))
	pid := pa["paymentId"].(string)
	if pa["transactionStatus"] != "Y" || pa["status"] != "authsuccessful" || pa["paymentType"] != "PA" {
		t.Fatalf("%v", pa)
	}
	t.Run("a wrong checksum on CP is refused and captures nothing", func(t *testing.T) {
		form := url.Values{"paymentType": {"CP"}, "amount": {"60.00"}, "authentication.checksum": {paymentz.FollowUpChecksum(e.member, e.key, pid, "70.00")}}
		r := e.post("/payments/"+pid, form, "AuthToken", tok)
		if r.status != 400 || r.code(t) != "70001" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		p, _, _ := e.engine.GetPayment(ctx, e.actor, paymentz.NativeID(pid))
		if p.Status != payment.Authorized {
			t.Fatalf("status %s", p.Status)
		}
	})
	t.Run("a partial capture answers 00004 with paymentId, result and timestamp only", func(t *testing.T) {
		r := e.backoffice(tok, pid, "CP", "60.00")
		m := r.json(t)
		if r.status != 200 || r.code(t) != "00004" || m["paymentId"] != pid || m["timestamp"] == nil || len(m) != 3 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if again := e.backoffice(tok, pid, "CP", "60.00"); again.code(t) != "00004" {
			t.Fatalf("a retried capture: %s", again.body)
		}
	})
	t.Run("a partial refund answers 00005 and the payment is partially refunded", func(t *testing.T) {
		r := e.backoffice(tok, pid, "RF", "25.00")
		if r.status != 200 || r.code(t) != "00005" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		p, _, _ := e.engine.GetPayment(ctx, e.actor, paymentz.NativeID(pid))
		if p.Captured != 6000 || p.Refunded != 2500 || p.Status != payment.PartiallyRefunded {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("a repeated refund is answered, a second one refused: one refund per transaction", func(t *testing.T) {
		if r := e.backoffice(tok, pid, "RF", "25.00"); r.code(t) != "00005" {
			t.Fatalf("%s", r.body)
		}
		if r := e.backoffice(tok, pid, "RF", "10.00"); r.status != 409 || r.code(t) != "70004" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		p, _, _ := e.engine.GetPayment(ctx, e.actor, paymentz.NativeID(pid))
		if p.Refunded != 2500 {
			t.Fatalf("refunded %d", p.Refunded)
		}
	})
	t.Run("an inquiry answers the long and short status", func(t *testing.T) {
		r := e.backoffice(tok, pid, "IN", "")
		m := r.json(t)
		if r.status != 200 || r.code(t) != "00026" || m["status"] != "partialrefund" || m["transactionStatus"] != "N" || m["amount"] != "100.00" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("an inquiry by merchantTransactionId (idType=MID) finds it, also at /inquiry", func(t *testing.T) {
		r := e.backoffice(tok, pid, "IN", "", "idType", "MID", "merchantTransactionId", "PRE-1")
		if r.status != 200 || r.json(t)["paymentId"] != pid {
			t.Fatalf("%d %s", r.status, r.body)
		}
		form := url.Values{"paymentType": {"IN"}, "idType": {"MID"}, "merchantTransactionId": {"PRE-1"},
			"authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, "PRE-1")}}
		r = e.post("/inquiry", form, "AuthToken", tok)
		if r.status != 200 || r.json(t)["paymentId"] != pid {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("a reversal cancels an authorization with 00006 and C", func(t *testing.T) {
		other := e.pay(tok, e.sale("PA", "PRE-2", "30.00", "EUR", "4242424242424242"))["paymentId"].(string)
		r := e.backoffice(tok, other, "RV", "")
		if r.status != 200 || r.code(t) != "00006" {
			t.Fatalf("%d %s", r.status, r.body)
		}
		in := e.backoffice(tok, other, "IN", "").json(t)
		if in["transactionStatus"] != "C" || in["status"] != "authcancelled" {
			t.Fatalf("%v", in)
		}
	})
	t.Run("a reversal of a captured payment is refused by state", func(t *testing.T) {
		if r := e.backoffice(tok, pid, "RV", ""); r.status != 409 || r.code(t) != "70004" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("an unknown paymentId, or another merchant's, is not found", func(t *testing.T) {
		m, _, _ := e.engine.CreateMerchant(ctx, "Shop B")
		b := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		p, _, err := e.engine.CreatePayment(ctx, b, engine.CreatePaymentInput{Amount: 100, Currency: "EUR",
			Card: &engine.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{paymentz.PaymentID(p.ID), "12345", "abc"} {
			if r := e.backoffice(tok, id, "IN", ""); r.status != 404 || r.code(t) != "10009" {
				t.Fatalf("%s: %d %s", id, r.status, r.body)
			}
		}
	})
	t.Run("an unknown paymentType is refused", func(t *testing.T) {
		if r := e.backoffice(tok, pid, "XX", ""); r.status != 400 || r.code(t) != "70003" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}
