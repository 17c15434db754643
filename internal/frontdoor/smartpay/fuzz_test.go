package smartpay_test

import (
	"encoding/json"
	"testing"

	"github.com/paygate/paygate/internal/frontdoor/smartpay"
	"github.com/paygate/paygate/internal/money"
)

// FuzzParse feeds the request parsers arbitrary bodies: they never panic,
// and an accepted amount is positive minor units that format back to a
// decimal the parser accepts again.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"merchantKey":"m","payment":{"amount":10.99,"currencyCode":"EUR"},"billingAddress":{}}`))
	f.Add([]byte(`{"merchantKey":"m","partnerReference":"a:b","customerAccountId":"c","payment":{"amount":"1e3","currencyCode":"JPY"},"billingAddress":{}}`))
	f.Add([]byte(`{"transactionId":"fc10f767-12a7-46d0-9da0-4af6b5b67c4d","merchantKey":"m","modificationId":"x","modifiedAmount":{"amount":1.500,"currencyCode":"KWD"}}`))
	f.Add([]byte(`{"payment":{"amount":-0.0}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if r, err := smartpay.ParseCreate(body); err == nil {
			checkMoney(t, r.Payment)
		}
		if r, err := smartpay.ParseModification(body); err == nil && r.ModifiedAmount != nil {
			checkMoney(t, r.ModifiedAmount)
		}
		smartpay.SessionID(string(body))
		smartpay.TransactionID(string(body))
	})
}

func checkMoney(t *testing.T, m *smartpay.Money) {
	v, cur, err := smartpay.ParseMoney("amount", m)
	if err != nil || v <= 0 {
		t.Fatalf("accepted %q as %d: %v", m.Amount, v, err)
	}
	back := &smartpay.Money{Amount: "0", CurrencyCode: cur.Code}
	back.Amount = jsonNumber(money.Format(v, cur))
	if v2, _, err := smartpay.ParseMoney("amount", back); err != nil || v2 != v {
		t.Fatalf("%q -> %d -> %q -> %d %v", m.Amount, v, back.Amount, v2, err)
	}
}

type jsonNumber = json.Number
