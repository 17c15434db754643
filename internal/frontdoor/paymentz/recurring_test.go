package paymentz_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/paygate/paygate/internal/frontdoor/paymentz"
	"github.com/paygate/paygate/internal/payment"
)

// recurringType=INITIAL keeps the card under a mandate (registrationId);
// REPEATED by paymentId and /paywithtoken/{registrationId} charge it again,
// merchant-initiated, without card data; a retried repeat charges once.
func TestRecurringInitialAndRepeated(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	form := e.sale("DB", "SUB-1", "9.99", "EUR", "4242424242424242")
	form.Set("recurringType", "INITIAL")
	first := e.pay(tok, form)
	reg, _ := first["registrationId"].(string)
	if first["transactionStatus"] != "Y" || reg == "" {
		t.Fatalf("initial: %v", first)
	}
	pid := first["paymentId"].(string)
	repeat := func(path, signedID, mtid, amount string) resp {
		return e.post(path, url.Values{"recurringType": {"REPEATED"}, "amount": {amount}, "merchantTransactionId": {mtid},
			"authentication.checksum": {paymentz.Checksum(e.member, e.key, signedID, amount)}}, "AuthToken", tok)
	}
	r := repeat("/payments/"+pid, pid, "SUB-2", "9.99")
	second := r.json(t)
	if r.status != 200 || second["transactionStatus"] != "Y" || second["paymentId"] == pid {
		t.Fatalf("repeated by paymentId: %d %s", r.status, r.body)
	}
	if again := repeat("/payments/"+pid, pid, "SUB-2", "9.99").json(t); again["paymentId"] != second["paymentId"] {
		t.Fatalf("a retried repeat charged again: %v", again)
	}
	r = e.post("/paywithtoken/"+reg, url.Values{"amount": {"12.50"}, "currency": {"EUR"}, "merchantTransactionId": {"SUB-3"},
		"authentication.checksum": {paymentz.Checksum(e.member, e.key, reg, "12.50")}}, "AuthToken", tok)
	third := r.json(t)
	if r.status != 200 || third["transactionStatus"] != "Y" || third["amount"] != "12.50" {
		t.Fatalf("paywithtoken: %d %s", r.status, r.body)
	}
	p, _, err := e.engine.GetPayment(context.Background(), e.actor, paymentz.NativeID(third["paymentId"].(string)))
	if err != nil || p.Initiator != payment.MerchantInitiated || p.Mandate != reg || p.Captured != 1250 {
		t.Fatalf("the repeated payment: %+v %v", p, err)
	}
	if r := e.post("/paywithtoken/"+reg, url.Values{"amount": {"12.50"}, "currency": {"EUR"}, "merchantTransactionId": {"SUB-4"},
		"authentication.checksum": {paymentz.Checksum(e.member, e.key, reg, "13.50")}}, "AuthToken", tok); r.code(t) != "70001" {
		t.Fatalf("a wrong checksum: %s", r.body)
	}
	plain := e.pay(tok, e.sale("DB", "ONE-1", "5.00", "EUR", "4242424242424242"))
	ppid := plain["paymentId"].(string)
	if r := repeat("/payments/"+ppid, ppid, "ONE-2", "5.00"); r.status != 409 {
		t.Fatalf("a repeat of a payment that kept no card: %d %s", r.status, r.body)
	}
}

// A stand-alone registration keeps a card (no charge); paywithtoken pays
// with it; DL deletes it and it pays no more.
func TestStandAloneRegistration(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	r := e.post("/registrations", url.Values{"merchantTransactionId": {"REG-1"}, "customer.customerId": {"c-77"},
		"card.number": {"5555555555554444"}, "card.expiryMonth": {"11"}, "card.expiryYear": {"2031"}, "card.holder": {"Ana"},
		"authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, "REG-1")}}, "AuthToken", tok)
	reg, _ := r.json(t)["registrationId"].(string)
	if r.status != 200 || r.code(t) != "00002" || reg == "" {
		t.Fatalf("registration: %d %s", r.status, r.body)
	}
	pay := func(mtid string) resp {
		return e.post("/paywithtoken/"+reg, url.Values{"paymentType": {"DB"}, "amount": {"7.00"}, "currency": {"EUR"}, "merchantTransactionId": {mtid},
			"card.cvv": {"123"}, "authentication.checksum": {paymentz.Checksum(e.member, e.key, reg, "7.00")}}, "AuthToken", tok)
	}
	r = pay("REG-PAY-1")
	if m := r.json(t); r.status != 200 || m["transactionStatus"] != "Y" {
		t.Fatalf("paywithtoken: %d %s", r.status, r.body)
	}
	p, _, err := e.engine.GetPayment(context.Background(), e.actor, paymentz.NativeID(r.json(t)["paymentId"].(string)))
	if err != nil || p.PaymentMethod != reg || p.Initiator == payment.MerchantInitiated || p.Card.Last4 != "4444" {
		t.Fatalf("%+v %v", p, err)
	}
	if r := e.post("/registrations", url.Values{"paymentType": {"DL"}, "registrationId": {reg},
		"authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, reg)}}, "AuthToken", tok); r.code(t) != "00003" {
		t.Fatalf("delete: %s", r.body)
	}
	if r := pay("REG-PAY-2"); r.status == 200 && r.json(t)["transactionStatus"] == "Y" {
		t.Fatalf("a deleted registration paid: %s", r.body)
	}
}
