package stripe

import (
	"strings"

	"github.com/paygate/paygate/internal/money"
)

// stripeExponent gives, for each paygate currency Stripe can charge, the
// number of decimals Stripe's API amounts use. It equals the ISO 4217
// exponent except for ISK, which Stripe keeps two-decimal (an amount of 100
// is 1 króna, and charges must be whole krónur). Currencies absent here
// (CLF, IQD, LYD, UYI) are refused before any call.
var stripeExponent = map[string]int{
	"AED": 2, "ARS": 2, "AUD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BIF": 0, "BRL": 2,
	"CAD": 2, "CHF": 2, "CLP": 0, "CNY": 2, "COP": 2, "CZK": 2, "DJF": 0, "DKK": 2,
	"EGP": 2, "EUR": 2, "GBP": 2, "GNF": 0, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2,
	"INR": 2, "ISK": 2, "JOD": 3, "JPY": 0, "KES": 2, "KMF": 0, "KRW": 0, "KWD": 3,
	"LBP": 2, "LKR": 2, "MAD": 2, "MXN": 2, "MYR": 2, "NGN": 2, "NOK": 2, "NZD": 2,
	"OMR": 3, "PHP": 2, "PKR": 2, "PLN": 2, "PYG": 0, "QAR": 2, "RON": 2, "RWF": 0,
	"SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TND": 3, "TRY": 2, "TWD": 2, "UAH": 2,
	"UGX": 0, "USD": 2, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0, "ZAR": 2,
}

// toStripe converts a paygate amount to Stripe's integer amount and
// lower-case currency, refusing what Stripe cannot take: a currency it does
// not support, a non-positive amount, and for three-decimal currencies an
// amount whose last digit is not 0 (Stripe requires it; paygate refuses
// rather than round, because rounding would change what the payer pays).
func toStripe(a money.Amount) (int64, string, error) {
	code := strings.ToUpper(a.Currency.Code)
	exp, ok := stripeExponent[code]
	if !ok {
		return 0, "", invalid("currency_unsupported", "Stripe does not take payments in "+code)
	}
	if a.Minor <= 0 {
		return 0, "", invalid("amount_invalid", "the amount must be positive")
	}
	minor := a.Minor
	switch {
	case exp == 3 && minor%10 != 0:
		return 0, "", invalid("amount_invalid", "Stripe takes "+code+" amounts only in multiples of 10 (the last of the 3 decimals must be 0)")
	case exp > a.Currency.Exponent:
		for i := a.Currency.Exponent; i < exp; i++ {
			if minor > (1<<63-1)/10 {
				return 0, "", invalid("amount_invalid", "the amount is too large")
			}
			minor *= 10
		}
	case exp < a.Currency.Exponent:
		return 0, "", invalid("currency_unsupported", "paygate and Stripe disagree on the decimals of "+code)
	}
	return minor, strings.ToLower(code), nil
}

// fromStripe converts a Stripe amount back to paygate minor units; an
// unknown currency is returned as is.
func fromStripe(amount int64, currency string) int64 {
	code := strings.ToUpper(currency)
	exp, ok := stripeExponent[code]
	c, err := money.Lookup(code)
	if !ok || err != nil {
		return amount
	}
	for i := c.Exponent; i < exp; i++ {
		amount /= 10
	}
	return amount
}
