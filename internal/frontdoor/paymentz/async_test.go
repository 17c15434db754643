package paymentz_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

// asyncSale is a signed /payments form without card data.
func (e *env) asyncSale(mtid, amount string) url.Values {
	f := e.sale("DB", mtid, amount, "EUR", "")
	for k := range f {
		if strings.HasPrefix(k, "card.") {
			delete(f, k)
		}
	}
	return f
}

func TestAsynchronousPayment(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	ctx := context.Background()
	first := e.pay(tok, e.asyncSale("AS-1", "30.00"))
	pid, _ := first["paymentId"].(string)
	red, _ := first["redirect"].(map[string]any)
	page, _ := red["url"].(string)
	t.Run("a payment without card data answers P / 10004 with the hosted page to redirect to", func(t *testing.T) {
		if first["transactionStatus"] != "P" || first["status"] != "begun" || red["method"] != "GET" || pid == "" ||
			!strings.HasPrefix(page, "http://pg.test/checkout/ct_") || first["amount"] != "30.00" || first["merchantTransactionId"] != "AS-1" {
			t.Fatalf("%v", first)
		}
		if r := e.post("/payments", e.asyncSale("AS-1", "30.00"), "AuthToken", tok); r.code(t) != "10004" {
			t.Fatalf("code %s: %s", r.code(t), r.body)
		}
	})
	t.Run("a retry answers the same paymentId and redirect; another amount under the same merchantTransactionId is refused", func(t *testing.T) {
		again := e.pay(tok, e.asyncSale("AS-1", "30.00"))
		if again["paymentId"] != pid || again["redirect"].(map[string]any)["url"] != page {
			t.Fatalf("retry: %v", again)
		}
		if r := e.post("/payments", e.asyncSale("AS-1", "31.00"), "AuthToken", tok); r.code(t) != "70005" {
			t.Fatalf("another amount: %s", r.body)
		}
		if r := e.post("/payments", e.sale("DB", "AS-1", "30.00", "EUR", "4242424242424242"), "AuthToken", tok); r.code(t) != "70005" {
			t.Fatalf("a card payment reusing the merchantTransactionId: %s", r.body)
		}
	})
	inquiry := func(form url.Values) map[string]any {
		r := e.post("/payments/"+pid, form, "AuthToken", tok)
		if r.code(t) != "00026" {
			t.Fatalf("inquiry: %d %s", r.status, r.body)
		}
		return r.json(t)
	}
	in := url.Values{"paymentType": {"IN"}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, pid)}}
	byMID := url.Values{"paymentType": {"IN"}, "idType": {"MID"}, "merchantTransactionId": {"AS-1"}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, "AS-1")}}
	t.Run("before the payer pays, IN (by paymentId or merchantTransactionId) says pending and a refund is refused", func(t *testing.T) {
		for _, f := range []url.Values{in, byMID} {
			if got := inquiry(f); got["transactionStatus"] != "P" || got["paymentId"] != pid {
				t.Fatalf("%v", got)
			}
		}
		rf := e.post("/payments/"+pid, url.Values{"paymentType": {"RF"}, "amount": {"1.00"}, "authentication.checksum": {paymentz.FollowUpChecksum(e.member, e.key, pid, "1.00")}}, "AuthToken", tok)
		if rf.code(t) != "70004" {
			t.Fatalf("refund before paying: %s", rf.body)
		}
	})
	token := page[strings.LastIndex(page, "/")+1:]
	if _, err := e.engine.PayCheckout(ctx, token, engine.CheckoutPayment{Card: &engine.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2031, CVC: "123"}}); err != nil {
		t.Fatal(err)
	}
	t.Run("once paid on the hosted page, the same paymentId is captured and refunds through the door", func(t *testing.T) {
		for _, f := range []url.Values{in, byMID} {
			if got := inquiry(f); got["transactionStatus"] != "Y" || got["status"] != "capturesuccess" || got["paymentId"] != pid || got["redirect"] != nil {
				t.Fatalf("%v", got)
			}
		}
		rf := e.post("/payments/"+pid, url.Values{"paymentType": {"RF"}, "amount": {"10.00"}, "authentication.checksum": {paymentz.FollowUpChecksum(e.member, e.key, pid, "10.00")}}, "AuthToken", tok)
		if rf.code(t) != "00005" || rf.json(t)["paymentId"] != pid {
			t.Fatalf("refund: %s", rf.body)
		}
		if got := inquiry(in); got["status"] != "partialrefund" {
			t.Fatalf("%v", got)
		}
		if again := e.pay(tok, e.asyncSale("AS-1", "30.00")); again["paymentId"] != pid || again["status"] != "partialrefund" || again["redirect"] != nil {
			t.Fatalf("a retry after paying: %v", again)
		}
	})
	t.Run("without merchantRedirectUrl there is nowhere to bring the payer back, so it is refused", func(t *testing.T) {
		f := e.asyncSale("AS-2", "5.00")
		f.Del("merchantRedirectUrl")
		if r := e.post("/payments", f, "AuthToken", tok); r.code(t) != "70003" || !strings.Contains(string(r.body), "merchantRedirectUrl") {
			t.Fatalf("%s", r.body)
		}
	})
}

// A declined card on the hosted page leaves it open: the door keeps
// answering P with the redirect, by paymentId and by merchantTransactionId,
// until another card succeeds under the same paymentId.
func TestAsynchronousPaymentAfterADecline(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	ctx := context.Background()
	first := e.pay(tok, e.asyncSale("AD-1", "8.00"))
	pid := first["paymentId"].(string)
	page := first["redirect"].(map[string]any)["url"].(string)
	token := page[strings.LastIndex(page, "/")+1:]
	pay := func(number string) {
		t.Helper()
		if _, err := e.engine.PayCheckout(ctx, token, engine.CheckoutPayment{Card: &engine.CardInput{Number: number, ExpMonth: 12, ExpYear: 2031, CVC: "123"}}); err != nil && !strings.Contains(err.Error(), "decline") {
			t.Fatal(err)
		}
	}
	inquiries := func() []map[string]any {
		var out []map[string]any
		for _, f := range []url.Values{
			{"paymentType": {"IN"}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, pid)}},
			{"paymentType": {"IN"}, "idType": {"MID"}, "merchantTransactionId": {"AD-1"}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, "AD-1")}},
		} {
			out = append(out, e.post("/payments/"+pid, f, "AuthToken", tok).json(t))
		}
		out = append(out, e.pay(tok, e.asyncSale("AD-1", "8.00")))
		return out
	}
	pay("4000000000000002")
	for _, got := range inquiries() {
		if red, _ := got["redirect"].(map[string]any); got["transactionStatus"] != "P" || got["paymentId"] != pid || red["url"] != page {
			t.Fatalf("after a decline: %v", got)
		}
	}
	pay("4242424242424242")
	for _, got := range inquiries() {
		if got["transactionStatus"] != "Y" || got["paymentId"] != pid || got["redirect"] != nil {
			t.Fatalf("after paying: %v", got)
		}
	}
}
