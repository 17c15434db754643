package paymentz_test

import (
	"net/url"
	"testing"

	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

func TestPayoutsToACardFromTheBalance(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	e.pay(tok, e.sale("DB", "FUND-1", "50.00", "EUR", "4242424242424242"))
	payout := func(mtid, amount, checksum string) resp {
		return e.post("/payout", url.Values{"merchantTransactionId": {mtid}, "amount": {amount}, "currency": {"EUR"},
			"card.number": {"4000056655665556"}, "card.expiryMonth": {"12"}, "card.expiryYear": {"2031"}, "card.holder": {"Ana Lima"},
			"authentication.checksum": {checksum}}, "AuthToken", tok)
	}
	r := payout("PO-1", "20.00", paymentz.PayoutChecksum(e.member, "PO-1", "20.00", e.key))
	m := r.json(t)
	if r.status != 200 || m["transactionStatus"] != "Y" || m["status"] != "payoutsuccessful" || m["paymentId"] == "" {
		t.Fatalf("payout: %d %s", r.status, r.body)
	}
	if again := payout("PO-1", "20.00", paymentz.PayoutChecksum(e.member, "PO-1", "20.00", e.key)).json(t); again["paymentId"] != m["paymentId"] {
		t.Fatalf("a retried payout paid again: %v", again)
	}
	if r := payout("PO-2", "20.00", paymentz.Checksum(e.member, e.key, "PO-2", "20.00")); r.code(t) != "70001" {
		t.Fatalf("the key must come last in a payout checksum: %s", r.body)
	}
	if r := payout("PO-3", "40.00", paymentz.PayoutChecksum(e.member, "PO-3", "40.00", e.key)); r.status == 200 && r.json(t)["transactionStatus"] == "Y" {
		t.Fatalf("a payout beyond the available balance was paid: %s", r.body)
	}
}
