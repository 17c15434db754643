package money

import "fmt"

// The currencies of the CIS markets that OpenTrade Commerce integrations
// bill in (its sample sends 643, RUB), with their ISO 4217 numeric codes
// and list-one exponents.
func init() {
	for _, c := range []Currency{
		{"RUB", "643", 2}, {"KZT", "398", 2}, {"BYN", "933", 2}, {"UZS", "860", 2},
		{"AMD", "051", 2}, {"AZN", "944", 2}, {"GEL", "981", 2}, {"KGS", "417", 2},
		{"MDL", "498", 2}, {"TJS", "972", 2},
	} {
		if _, dup := currencies[c.Code]; !dup {
			currencies[c.Code] = c
		}
	}
}

// ParseNumeric returns the currency of a wire value that must be an ISO
// 4217 numeric code: exactly three ASCII digits ("643", "051"). Signs,
// spaces, shorter or longer forms ("51", "0643") and alphabetic codes are
// refused, so what a caller sent is what it meant.
func ParseNumeric(s string) (Currency, error) {
	if len(s) != 3 {
		return Currency{}, fmt.Errorf("%w: numeric %q is not three digits", ErrUnknownCurrency, s)
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return Currency{}, fmt.Errorf("%w: numeric %q is not three digits", ErrUnknownCurrency, s)
		}
	}
	return LookupNumeric(s)
}
