package paymentz_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

func (e *env) register(tok, mtid, customer, number string) string {
	e.t.Helper()
	r := e.post("/registrations", url.Values{"merchantTransactionId": {mtid}, "customer.customerId": {customer},
		"card.number": {number}, "card.expiryMonth": {"11"}, "card.expiryYear": {"2031"}, "card.holder": {"Ana Lima"},
		"authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, mtid)}}, "AuthToken", tok)
	if r.status != 200 || r.code(e.t) != "00002" {
		e.t.Fatalf("registration: %d %s", r.status, r.body)
	}
	return r.json(e.t)["registrationId"].(string)
}

func TestCardsAndAccountsListsACustomersRegistrationsMasked(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	visa := e.register(tok, "REG-1", "c-ana", "4242424242424242")
	mc := e.register(tok, "REG-2", "c-ana", "5555555555554444")
	e.register(tok, "REG-3", "c-other", "4000056655665556")
	e.post("/registrations", url.Values{"paymentType": {"DL"}, "registrationId": {mc},
		"authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, mc)}}, "AuthToken", tok)
	lookup := func(customer, checksum string, accept ...string) resp {
		h := []string{"AuthToken", tok}
		if len(accept) > 0 {
			h = append(h, "Accept", accept[0])
		}
		return e.post("/getCardsAndAccounts", url.Values{"customer.customerId": {customer}, "authentication.checksum": {checksum}}, h...)
	}
	r := lookup("c-ana", paymentz.LookupChecksum(e.member, e.key, "c-ana"))
	m := r.json(t)
	cards, _ := m["cards"].([]any)
	accounts, _ := m["accounts"].([]any)
	if r.status != 200 || r.code(t) != "00026" || len(cards) != 1 || accounts == nil || len(accounts) != 0 {
		t.Fatalf("cards of c-ana (one deleted, one of another customer): %d %s", r.status, r.body)
	}
	c := cards[0].(map[string]any)
	masked := c["card"].(map[string]any)
	if c["registrationId"] != visa || c["paymentBrand"] != "VISA" || masked["bin"] != "424242" || masked["last4Digits"] != "4242" || masked["expiryMonth"] != "11" {
		t.Fatalf("card: %s", r.body)
	}
	if strings.Contains(string(r.body), "4242424242424242") {
		t.Fatalf("the full card number is in the answer: %s", r.body)
	}
	if r := lookup("c-ana", paymentz.LookupChecksum(e.member, e.key, "c-other")); r.status != 400 || r.code(t) != "70001" {
		t.Fatalf("a checksum over another customer: %d %s", r.status, r.body)
	}
	if r := lookup("c-nobody", paymentz.LookupChecksum(e.member, e.key, "c-nobody")); r.status != 404 || r.code(t) != "10009" {
		t.Fatalf("an unknown customer: %d %s", r.status, r.body)
	}
	if r := lookup("c-ana", paymentz.LookupChecksum(e.member, e.key, "c-ana"), "application/xml"); !strings.Contains(string(r.body), "<registration>") ||
		!strings.Contains(string(r.body), "<registrationId>"+visa+"</registrationId>") {
		t.Fatalf("XML: %s", r.body)
	}
}

func TestPaymentAndCardTypeNamesTheBrandsAndTheConfiguredCurrencies(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	r := e.post("/getPaymentAndCardType", url.Values{}, "AuthToken", tok)
	m := r.json(t)
	types, _ := m["paymentTypes"].([]any)
	if r.status != 200 || r.code(t) != "00026" || len(types) != 2 {
		t.Fatalf("payment types: %d %s", r.status, r.body)
	}
	cc := types[0].(map[string]any)
	brands := cc["paymentBrands"].([]any)
	if cc["paymentMode"] != "CC" || brands[0] != "VISA" || brands[1] != "MC" || brands[2] != "AMEX" {
		t.Fatalf("CC: %v", cc)
	}
	if cur, _ := m["currencies"].([]any); cur == nil || len(cur) != 0 {
		t.Fatalf("no configuration yet: currencies %v, want [] (any)", m["currencies"])
	}
	str := func(s string) *string { return &s }
	curs := []string{"KWD", "EUR"}
	on := true
	if _, err := e.engine.CreateConfig(context.Background(), e.actor, engine.ConfigInput{Code: str("cards"), NameEN: str("Cards"), Connector: str("sandbox"),
		AcceptedCurrencies: &curs, Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	m = e.post("/getPaymentAndCardType", url.Values{}, "AuthToken", tok).json(t)
	if cur := m["currencies"].([]any); len(cur) != 2 || cur[0] != "EUR" || cur[1] != "KWD" {
		t.Fatalf("currencies: %v", m["currencies"])
	}
	if r := e.post("/getPaymentAndCardType", url.Values{}, "AuthToken", tok, "Accept", "application/xml"); !strings.Contains(string(r.body), "<paymentBrand>VISA</paymentBrand>") ||
		!strings.Contains(string(r.body), "<currency>EUR</currency>") {
		t.Fatalf("XML: %s", r.body)
	}
	if r := e.post("/getPaymentAndCardType", url.Values{}); r.status != 401 {
		t.Fatalf("without a token: %d %s", r.status, r.body)
	}
}
