package money

import (
	"fmt"
	"strings"
)

// Currency is an ISO 4217 currency: its alphabetic code, numeric code and the
// number of digits after the decimal point of its minor unit (its exponent).
type Currency struct {
	Code     string
	Numeric  string
	Exponent int
}

// currencies lists the active ISO 4217 codes paygate accepts. Exponents follow
// the ISO 4217 list one (JPY 0, KWD/BHD/OMR/JOD/TND/LYD/IQD 3, CLF 4).
var currencies = map[string]Currency{}

func init() {
	for _, c := range []Currency{
		{"AED", "784", 2}, {"ARS", "032", 2}, {"AUD", "036", 2}, {"BDT", "050", 2},
		{"BGN", "975", 2}, {"BHD", "048", 3}, {"BIF", "108", 0}, {"BRL", "986", 2},
		{"CAD", "124", 2}, {"CHF", "756", 2}, {"CLF", "990", 4}, {"CLP", "152", 0},
		{"CNY", "156", 2}, {"COP", "170", 2}, {"CZK", "203", 2}, {"DJF", "262", 0},
		{"DKK", "208", 2}, {"EGP", "818", 2}, {"EUR", "978", 2}, {"GBP", "826", 2},
		{"GNF", "324", 0}, {"HKD", "344", 2}, {"HUF", "348", 2}, {"IDR", "360", 2},
		{"ILS", "376", 2}, {"INR", "356", 2}, {"IQD", "368", 3}, {"ISK", "352", 0},
		{"JOD", "400", 3}, {"JPY", "392", 0}, {"KES", "404", 2}, {"KMF", "174", 0},
		{"KRW", "410", 0}, {"KWD", "414", 3}, {"LBP", "422", 2}, {"LKR", "144", 2},
		{"LYD", "434", 3}, {"MAD", "504", 2}, {"MXN", "484", 2}, {"MYR", "458", 2},
		{"NGN", "566", 2}, {"NOK", "578", 2}, {"NZD", "554", 2}, {"OMR", "512", 3},
		{"PHP", "608", 2}, {"PKR", "586", 2}, {"PLN", "985", 2}, {"PYG", "600", 0},
		{"QAR", "634", 2}, {"RON", "946", 2}, {"RWF", "646", 0}, {"SAR", "682", 2},
		{"SEK", "752", 2}, {"SGD", "702", 2}, {"THB", "764", 2}, {"TND", "788", 3},
		{"TRY", "949", 2}, {"TWD", "901", 2}, {"UAH", "980", 2}, {"UGX", "800", 0},
		{"USD", "840", 2}, {"UYI", "940", 0}, {"VND", "704", 0}, {"VUV", "548", 0},
		{"XAF", "950", 0}, {"XOF", "952", 0}, {"XPF", "953", 0}, {"ZAR", "710", 2},
	} {
		currencies[c.Code] = c
	}
}

// ErrUnknownCurrency is returned for a code that is not an active ISO 4217 currency.
var ErrUnknownCurrency = fmt.Errorf("unknown currency")

// Lookup returns the currency for an alphabetic code. Codes are accepted in
// either case ("usd" and "USD") because clients send both.
func Lookup(code string) (Currency, error) {
	c, ok := currencies[strings.ToUpper(code)]
	if !ok || len(code) != 3 {
		return Currency{}, fmt.Errorf("%w: %q", ErrUnknownCurrency, code)
	}
	return c, nil
}

// LookupNumeric returns the currency for an ISO 4217 numeric code ("840").
func LookupNumeric(numeric string) (Currency, error) {
	for _, c := range currencies {
		if c.Numeric == numeric {
			return c, nil
		}
	}
	return Currency{}, fmt.Errorf("%w: numeric %q", ErrUnknownCurrency, numeric)
}

// MustLookup is Lookup for codes known at compile time; it panics otherwise.
func MustLookup(code string) Currency {
	c, err := Lookup(code)
	if err != nil {
		panic(err)
	}
	return c
}
