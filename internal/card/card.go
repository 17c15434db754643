package card

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// Brand names a card scheme.
type Brand string

// Brands paygate recognises.
const (
	Visa       Brand = "visa"
	Mastercard Brand = "mastercard"
	Amex       Brand = "amex"
	Discover   Brand = "discover"
	JCB        Brand = "jcb"
	Diners     Brand = "diners"
	UnionPay   Brand = "unionpay"
	Maestro    Brand = "maestro"
	Unknown    Brand = "unknown"
)

// Brands lists the recognised brands (not Unknown), for validating lists.
var Brands = []Brand{Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro}

// Validation failures; each names what a payer would have to correct.
var (
	ErrNumber   = errors.New("card number is not valid")
	ErrExpired  = errors.New("card has expired")
	ErrExpiry   = errors.New("expiry date is not valid")
	ErrCVC      = errors.New("card security code is not valid")
	ErrTooShort = errors.New("card number has the wrong length for its brand")
)

type brandRule struct {
	brand   Brand
	prefix  func(string) bool
	lengths []int
	cvcLen  int
}

func between(s string, n int, lo, hi int) bool {
	if len(s) < n {
		return false
	}
	v := 0
	for i := 0; i < n; i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v >= lo && v <= hi
}

// rules are ordered so the most specific prefix wins.
var rules = []brandRule{
	{Amex, func(s string) bool { return between(s, 2, 34, 34) || between(s, 2, 37, 37) }, []int{15}, 4},
	{Diners, func(s string) bool { return between(s, 3, 300, 305) || between(s, 2, 36, 36) || between(s, 2, 38, 39) }, []int{14, 16, 19}, 3},
	{JCB, func(s string) bool { return between(s, 4, 3528, 3589) }, []int{16, 17, 18, 19}, 3},
	{Discover, func(s string) bool {
		return between(s, 4, 6011, 6011) || between(s, 3, 644, 649) || between(s, 2, 65, 65)
	}, []int{16, 17, 18, 19}, 3},
	{UnionPay, func(s string) bool { return between(s, 2, 62, 62) }, []int{16, 17, 18, 19}, 3},
	{Mastercard, func(s string) bool { return between(s, 2, 51, 55) || between(s, 4, 2221, 2720) }, []int{16}, 3},
	{Maestro, func(s string) bool { return between(s, 2, 50, 50) || between(s, 2, 56, 69) }, []int{12, 13, 14, 15, 16, 17, 18, 19}, 3},
	{Visa, func(s string) bool { return strings.HasPrefix(s, "4") }, []int{13, 16, 19}, 3},
}

// Normalize strips spaces and dashes that payers type between digit groups.
func Normalize(number string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, number)
}

// DetectBrand returns the brand implied by the leading digits, or Unknown.
// It works on partial numbers too, which the checkout page uses as the payer types.
func DetectBrand(number string) Brand {
	n := Normalize(number)
	if !allDigits(n) {
		return Unknown
	}
	for _, r := range rules {
		if r.prefix(n) {
			return r.brand
		}
	}
	return Unknown
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Luhn reports whether the digit string passes the mod-10 check.
func Luhn(n string) bool {
	if !allDigits(n) {
		return false
	}
	sum, double := 0, false
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// ValidateNumber checks digits, length for the brand and the Luhn digit, and
// returns the normalized number and its brand.
func ValidateNumber(number string) (string, Brand, error) {
	n := Normalize(number)
	if !allDigits(n) || len(n) < 12 || len(n) > 19 {
		return "", Unknown, ErrNumber
	}
	brand := DetectBrand(n)
	for _, r := range rules {
		if r.brand != brand {
			continue
		}
		ok := false
		for _, l := range r.lengths {
			ok = ok || l == len(n)
		}
		if !ok {
			return "", brand, ErrTooShort
		}
	}
	if !Luhn(n) {
		return "", brand, ErrNumber
	}
	return n, brand, nil
}

// ValidateExpiry accepts a month 1..12 and a four-digit year (or two digits,
// read as 20YY) and refuses cards whose last valid day is before now.
func ValidateExpiry(month, year int, now time.Time) error {
	if year >= 0 && year < 100 {
		year += 2000
	}
	if month < 1 || month > 12 || year < 2000 || year > 2200 {
		return ErrExpiry
	}
	// A card is valid through the last day of its expiry month.
	firstOfNext := time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, time.UTC)
	if !now.UTC().Before(firstOfNext) {
		return ErrExpired
	}
	return nil
}

// ValidateCVC checks the security code's length for the brand (4 for Amex, 3
// otherwise). An empty CVC is allowed: merchant-initiated payments have none.
func ValidateCVC(cvc string, brand Brand) error {
	if cvc == "" {
		return nil
	}
	want := 3
	if brand == Amex {
		want = 4
	}
	if len(cvc) != want || !allDigits(cvc) {
		return ErrCVC
	}
	return nil
}

// First6 returns the bank identification digits shown for a card.
func First6(n string) string {
	if len(n) < 6 {
		return ""
	}
	return n[:6]
}

// Last4 returns the last four digits shown for a card.
func Last4(n string) string {
	if len(n) < 4 {
		return ""
	}
	return n[len(n)-4:]
}

// Mask returns first six, asterisks, last four: the most PCI DSS allows to show.
func Mask(n string) string {
	n = Normalize(n)
	if len(n) < 10 {
		return strings.Repeat("*", len(n))
	}
	return n[:6] + strings.Repeat("*", len(n)-10) + n[len(n)-4:]
}

// Fingerprint returns a keyed hash of the number so the same card can be
// recognised across payments without storing it; the key keeps it from being
// brute-forced over the small space of valid numbers.
func Fingerprint(key []byte, number string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(Normalize(number)))
	return hex.EncodeToString(m.Sum(nil))[:32]
}
