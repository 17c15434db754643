package money

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Amount is a count of minor units of one currency. The zero Amount has no
// currency and is only useful as "nothing yet".
type Amount struct {
	Minor    int64
	Currency Currency
}

var (
	// ErrCurrencyMismatch is returned when arithmetic mixes currencies.
	ErrCurrencyMismatch = errors.New("currency mismatch")
	// ErrOverflow is returned when a result does not fit in int64 minor units.
	ErrOverflow = errors.New("amount overflow")
	// ErrTooPrecise is returned for a decimal with more digits than the currency's exponent.
	ErrTooPrecise = errors.New("more decimal places than the currency allows")
	// ErrSyntax is returned for a string that is not a plain decimal number.
	ErrSyntax = errors.New("not a decimal amount")
)

// New returns minor units of the currency with the given code.
func New(minor int64, code string) (Amount, error) {
	c, err := Lookup(code)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Minor: minor, Currency: c}, nil
}

// Add returns a+b, refusing mixed currencies and int64 overflow.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.Currency.Code != b.Currency.Code {
		return Amount{}, fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, a.Currency.Code, b.Currency.Code)
	}
	s, ok := AddInt64(a.Minor, b.Minor)
	if !ok {
		return Amount{}, ErrOverflow
	}
	return Amount{Minor: s, Currency: a.Currency}, nil
}

// Sub returns a-b, refusing mixed currencies and int64 overflow.
func (a Amount) Sub(b Amount) (Amount, error) {
	if b.Minor == math.MinInt64 {
		return Amount{}, ErrOverflow
	}
	return a.Add(Amount{Minor: -b.Minor, Currency: b.Currency})
}

// AddInt64 adds two int64 values and reports whether the sum fits.
func AddInt64(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

// String formats the amount as a decimal with its currency code, "10.99 USD".
func (a Amount) String() string {
	return Format(a.Minor, a.Currency) + " " + a.Currency.Code
}

// Format writes minor units as a decimal string with exactly the currency's
// exponent digits: 1099 USD is "10.99", 86000 KWD is "86.000", 500 JPY is "500".
func Format(minor int64, c Currency) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-(minor + 1)) + 1 // safe for MinInt64
	}
	digits := fmt.Sprintf("%d", u)
	if c.Exponent > 0 {
		if len(digits) <= c.Exponent {
			digits = strings.Repeat("0", c.Exponent-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-c.Exponent] + "." + digits[len(digits)-c.Exponent:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// Parse reads a decimal string ("10.99", "86.000", "10", "-1.5") into minor
// units of the currency. It refuses more decimal places than the currency has,
// exponents, spaces, signs other than a leading minus and values beyond int64.
// Trailing zeros beyond the exponent are refused too: "10.990" for USD is a
// caller bug worth surfacing, not something to round away.
func Parse(s string, c Currency) (int64, error) {
	if s == "" {
		return 0, ErrSyntax
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || (hasDot && frac == "") {
		return 0, ErrSyntax
	}
	if len(frac) > c.Exponent {
		return 0, fmt.Errorf("%w: %s has %d", ErrTooPrecise, c.Code, c.Exponent)
	}
	var v uint64
	for _, part := range []string{intPart, frac + strings.Repeat("0", c.Exponent-len(frac))} {
		for i := 0; i < len(part); i++ {
			d := part[i]
			if d < '0' || d > '9' {
				return 0, ErrSyntax
			}
			if v > (math.MaxInt64-uint64(d-'0'))/10 {
				return 0, ErrOverflow
			}
			v = v*10 + uint64(d-'0')
		}
	}
	if neg {
		return -int64(v), nil
	}
	return int64(v), nil
}
