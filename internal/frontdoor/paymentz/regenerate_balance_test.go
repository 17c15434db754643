package paymentz_test

import (
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRegenerateTokenIssuesAFreshTokenUntilTwelveHoursAfterSignIn(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	if r := e.post("/regenerateToken", url.Values{}); r.status != 401 || r.code(t) != "10182" {
		t.Fatalf("without a token: %d %s", r.status, r.body)
	}
	if r := e.post("/regenerateToken", url.Values{}, "AuthToken", tok+"x"); r.status != 401 || r.code(t) != "10182" {
		t.Fatalf("with a forged token: %d %s", r.status, r.body)
	}
	// Chain regenerations, each before the last token expires: it works for
	// 12 hours after the sign-in with the secure key, then only authToken does.
	cur := tok
	for i := 1; ; i++ {
		e.clock.advance(50 * time.Minute)
		r := e.post("/regenerateToken", url.Values{}, "AuthToken", cur)
		if time.Duration(i)*50*time.Minute > 12*time.Hour {
			if r.status != 401 || r.code(t) != "10182" {
				t.Fatalf("regeneration %d, %v after sign-in: %d %s", i, time.Duration(i)*50*time.Minute, r.status, r.body)
			}
			break
		}
		m := r.json(t)
		next, _ := m["AuthToken"].(string)
		if r.status != 200 || r.code(t) != "200" || next == "" || next == cur || m["memberId"] != e.member {
			t.Fatalf("regeneration %d: %d %s", i, r.status, r.body)
		}
		// The new token is a working one, on both services.
		if b := e.post("/getPayoutBalance/"+e.member, url.Values{}, "AuthToken", next); b.status != 200 {
			t.Fatalf("the regenerated token does not work: %d %s", b.status, b.body)
		}
		cur = next
	}
	fresh := e.token()
	if r := e.invoicePost(fresh, "regenerateToken", url.Values{}); r.status != 200 || r.code(t) != "200" {
		t.Fatalf("after signing in again, through the invoice service: %d %s", r.status, r.body)
	}
}

func TestPayoutBalanceIsWhatTheLedgerHoldsByCurrency(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	e.pay(tok, e.sale("DB", "BAL-1", "50.00", "EUR", "4242424242424242"))
	e.pay(tok, e.sale("PA", "BAL-2", "10.00", "EUR", "4242424242424242"))
	e.pay(tok, e.sale("DB", "BAL-3", "1.500", "KWD", "4242424242424242"))
	balances := func(form url.Values, accept ...string) resp {
		h := []string{"AuthToken", tok}
		if len(accept) > 0 {
			h = append(h, "Accept", accept[0])
		}
		return e.post("/getPayoutBalance/"+e.member, form, h...)
	}
	r := balances(url.Values{})
	list, _ := r.json(t)["balances"].([]any)
	if r.status != 200 || r.code(t) != "00026" || len(list) != 2 {
		t.Fatalf("balances: %d %s", r.status, r.body)
	}
	eur, kwd := list[0].(map[string]any), list[1].(map[string]any)
	if eur["currency"] != "EUR" || eur["balance"] != "50.00" || eur["held"] != "10.00" || kwd["currency"] != "KWD" || kwd["balance"] != "1.500" {
		t.Fatalf("balances: %s", r.body)
	}
	// A payout draws on it.
	e.post("/payout", url.Values{"merchantTransactionId": {"PO-1"}, "amount": {"20.00"}, "currency": {"EUR"},
		"card.number": {"4000056655665556"}, "card.expiryMonth": {"12"}, "card.expiryYear": {"2031"}, "card.holder": {"Ana Lima"},
		"authentication.checksum": {payoutChecksum(e, "PO-1", "20.00")}}, "AuthToken", tok)
	if r := balances(url.Values{"currency": {"EUR"}}); len(r.json(t)["balances"].([]any)) != 1 || r.json(t)["balances"].([]any)[0].(map[string]any)["balance"] != "30.00" {
		t.Fatalf("EUR after a 20.00 payout: %s", r.body)
	}
	if r := balances(url.Values{"currency": {"JPY"}}); r.json(t)["balances"].([]any)[0].(map[string]any)["balance"] != "0" {
		t.Fatalf("a currency never used: %s", r.body)
	}
	if r := balances(url.Values{"currency": {"EURO"}}); r.status != 400 || r.code(t) != "70003" {
		t.Fatalf("a currency that is not one: %d %s", r.status, r.body)
	}
	if r := e.post("/getPayoutBalance/1", url.Values{}, "AuthToken", tok); r.status != 401 || r.code(t) != "70002" {
		t.Fatalf("another member's balance: %d %s", r.status, r.body)
	}
	if r := balances(url.Values{}, "application/xml"); !strings.Contains(string(r.body), "<balances>") || !strings.Contains(string(r.body), "<balance>30.00</balance>") {
		t.Fatalf("XML: %s", r.body)
	}
}

func payoutChecksum(e *env, mtid, amount string) string {
	return paymentz.PayoutChecksum(e.member, mtid, amount, e.key)
}
