package dashboard

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/paygate/paygate/internal/money"
)

// The two-step money forms (payouts, subscriptions) share these: the
// posted fields, the amount in its currency, and the confirmation page's
// idempotency key with the fingerprint of what it confirms.

// postedFields are the named fields of the posted form, trimmed.
func postedFields(r *http.Request, fields []string) url.Values {
	f := url.Values{}
	for _, k := range fields {
		f.Set(k, strings.TrimSpace(r.PostForm.Get(k)))
	}
	return f
}

// amountOf reads the currency and amount fields (the currency upper-cased
// back into f); on failure it returns the message naming the field, with
// example as an amount of that currency.
func amountOf(f url.Values, example int64) (money.Currency, int64, string) {
	cur, err := money.Lookup(strings.ToUpper(f.Get("currency")))
	if err != nil {
		return cur, 0, "Currency: " + f.Get("currency") + " is not a currency code such as EUR."
	}
	f.Set("currency", cur.Code)
	amount, err := money.Parse(f.Get("amount"), cur)
	if err != nil || amount <= 0 {
		return cur, 0, "Amount: " + f.Get("amount") + " is not an amount of " + cur.Code + " such as " + money.Format(example, cur) + "."
	}
	return cur, amount, ""
}

// confirmation is the key a confirmation page posts and the fingerprint of
// the fields it confirms; ok is false for a key no confirmation page made.
func confirmation(r *http.Request, kind string, f url.Values, fields []string) (key, fingerprint string, ok bool) {
	key = r.PostForm.Get("key")
	if !strings.HasPrefix(key, "dash_") || len(key) > 64 {
		return "", "", false
	}
	var fp strings.Builder
	fp.WriteString(kind + "|")
	for _, k := range fields {
		fp.WriteString(f.Get(k) + "|")
	}
	return key, fp.String(), true
}
