package opentrade_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/frontdoor/opentrade"
)

// vendorSample is the parameter set of the vendor's PaymentFormAnswer
// sample (lower-camel names), with the URLs paygate needs.
func vendorSample() url.Values {
	return url.Values{"paymentId": {"222"}, "userId": {"0000000001"}, "amount": {"500.15"}, "currency": {"643"},
		"description": {"Top up the account USR-0000000001 (user 0000000001, payment 222)"},
		"successUrl":  {"https://shop.example/ok"}, "failurl": {"https://shop.example/fail"}, "ResultURL": {"https://shop.example/result"}}
}

func TestParseFormMatchesNamesWithoutRegardToCase(t *testing.T) {
	table := url.Values{"orderID": {"ORD-1"}, "PaymentID": {"222"}, "UserID": {"0000000001"}, "Amount": {"500.15"}, "Currency": {"643"},
		"Description": {"Top up"}, "SuccessUrl": {"https://shop.example/ok"}, "failUrl": {"https://shop.example/fail"}, "resultUrl": {"https://shop.example/result"}}
	shouting := url.Values{}
	for k, v := range table {
		shouting[strings.ToUpper(k)] = v
	}
	for name, v := range map[string]url.Values{"table": table, "sample": vendorSample(), "upper": shouting} {
		f, err := opentrade.ParseForm(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.PaymentID != "222" || f.UserID != "0000000001" || f.Amount != 50015 || f.Currency.Code != "RUB" ||
			f.SuccessURL != "https://shop.example/ok" || f.FailURL != "https://shop.example/fail" || f.ResultURL != "https://shop.example/result" {
			t.Errorf("%s: %+v", name, f)
		}
	}
	f, _ := opentrade.ParseForm(table)
	if f.OrderID != "ORD-1" || f.Description != "Top up" {
		t.Errorf("table: %+v", f)
	}
	// The canonical spelling comes back out, the currency as its numeric code.
	if got := f.Values().Encode(); got != "Amount=500.15&Currency=643&Description=Top+up&PaymentID=222&SuccessUrl=https%3A%2F%2Fshop.example%2Fok&UserID=0000000001&failUrl=https%3A%2F%2Fshop.example%2Ffail&orderID=ORD-1&resultUrl=https%3A%2F%2Fshop.example%2Fresult" {
		t.Errorf("Values = %s", got)
	}
}

func TestParseFormRefusesBadAmountsCurrenciesAndConflicts(t *testing.T) {
	cases := []struct {
		name, param string
		edit        func(url.Values)
	}{
		{"comma decimal", "Amount", func(v url.Values) { v.Set("amount", "500,15") }},
		{"three decimals for RUB", "Amount", func(v url.Values) { v.Set("amount", "500.155") }},
		{"negative", "Amount", func(v url.Values) { v.Set("amount", "-1.00") }},
		{"zero", "Amount", func(v url.Values) { v.Set("amount", "0.00") }},
		{"exponent", "Amount", func(v url.Values) { v.Set("amount", "5e2") }},
		{"float-ish", "Amount", func(v url.Values) { v.Set("amount", "NaN") }},
		{"missing", "Amount", func(v url.Values) { v.Del("amount") }},
		{"too large", "Amount", func(v url.Values) { v.Set("amount", "99999999999999999") }},
		{"unknown numeric", "Currency", func(v url.Values) { v.Set("currency", "999") }},
		{"two digits", "Currency", func(v url.Values) { v.Set("currency", "64") }},
		{"word", "Currency", func(v url.Values) { v.Set("currency", "rubles") }},
		{"no currency", "Currency", func(v url.Values) { v.Del("currency") }},
		{"conflicting spellings", "Amount", func(v url.Values) { v.Set("Amount", "1.00") }},
		{"no payment id", "PaymentID", func(v url.Values) { v.Del("paymentId") }},
		{"separator in id", "UserID", func(v url.Values) { v.Set("userId", "1|2") }},
		{"control in id", "PaymentID", func(v url.Values) { v.Set("paymentId", "2\n22") }},
		{"relative success", "SuccessUrl", func(v url.Values) { v.Set("successUrl", "/ok") }},
		{"javascript fail", "failUrl", func(v url.Values) { v.Set("failurl", "javascript:alert(1)") }},
		{"no result", "resultUrl", func(v url.Values) { v.Del("ResultURL") }},
	}
	for _, c := range cases {
		v := vendorSample()
		c.edit(v)
		f, err := opentrade.ParseForm(v)
		var fe *opentrade.FormError
		if !errors.As(err, &fe) || fe.Param != c.param || fe.Message == "" {
			t.Errorf("%s: %+v, %v; want an error on %s", c.name, f, err, c.param)
		}
	}
	// The same value twice, in two spellings, is one parameter; alphabetic codes are understood.
	v := vendorSample()
	v.Set("Amount", "500.15")
	v.Set("currency", "rub")
	if f, err := opentrade.ParseForm(v); err != nil || f.Amount != 50015 || f.Currency.Code != "RUB" {
		t.Errorf("%+v, %v", f, err)
	}
	v = vendorSample()
	v.Set("currency", "392") // JPY: no decimals
	if _, err := opentrade.ParseForm(v); err == nil || !strings.Contains(err.Error(), "JPY") {
		t.Errorf("500.15 JPY: %v", err)
	}
}
