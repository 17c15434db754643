package card_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/card"
)

func TestValidateNumberDetectsBrandAndChecksLuhnAndLength(t *testing.T) {
	cases := []struct {
		name, number string
		brand        card.Brand
		err          error
	}{
		{"visa test card", "4242424242424242", card.Visa, nil},
		{"visa with spaces", "4242 4242 4242 4242", card.Visa, nil},
		{"mastercard", "5555555555554444", card.Mastercard, nil},
		{"mastercard 2-series", "2223003122003222", card.Mastercard, nil},
		{"amex", "378282246310005", card.Amex, nil},
		{"discover", "6011111111111117", card.Discover, nil},
		{"jcb", "3566002020360505", card.JCB, nil},
		{"diners 14 digits", "36227206271667", card.Diners, nil},
		{"luhn failure", "4242424242424241", card.Visa, card.ErrNumber},
		{"letters", "4242a24242424242", card.Unknown, card.ErrNumber},
		{"too short", "42424242", card.Unknown, card.ErrNumber},
		{"amex with 16 digits", "3782822463100050", card.Amex, card.ErrTooShort},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, brand, err := card.ValidateNumber(c.number)
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if c.err == nil && (brand != c.brand || strings.ContainsAny(n, " -")) {
				t.Fatalf("brand %s number %q, want %s", brand, n, c.brand)
			}
		})
	}
}

func TestExpiryIsValidThroughTheLastDayOfTheMonth(t *testing.T) {
	now := time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC)
	if err := card.ValidateExpiry(11, 2026, now); err != nil {
		t.Fatalf("card expiring this month refused: %v", err)
	}
	if err := card.ValidateExpiry(10, 2026, now); !errors.Is(err, card.ErrExpired) {
		t.Fatalf("last month's card: %v", err)
	}
	if err := card.ValidateExpiry(12, 30, now); err != nil {
		t.Fatalf("two-digit year: %v", err)
	}
	for _, m := range []int{0, 13, -1} {
		if err := card.ValidateExpiry(m, 2030, now); !errors.Is(err, card.ErrExpiry) {
			t.Fatalf("month %d: %v", m, err)
		}
	}
}

func TestCVCLengthDependsOnBrand(t *testing.T) {
	if card.ValidateCVC("123", card.Visa) != nil || card.ValidateCVC("1234", card.Amex) != nil || card.ValidateCVC("", card.Visa) != nil {
		t.Fatal("valid CVC refused")
	}
	if card.ValidateCVC("1234", card.Visa) == nil || card.ValidateCVC("123", card.Amex) == nil || card.ValidateCVC("12a", card.Visa) == nil {
		t.Fatal("invalid CVC accepted")
	}
}

func TestMaskShowsAtMostFirstSixAndLastFour(t *testing.T) {
	if got := card.Mask("4242 4242 4242 4242"); got != "424242******4242" {
		t.Fatalf("Mask = %q", got)
	}
	if card.First6("4000056655665556") != "400005" || card.Last4("4000056655665556") != "5556" {
		t.Fatal("first6/last4")
	}
	if card.Fingerprint([]byte("k"), "4242 4242 4242 4242") != card.Fingerprint([]byte("k"), "4242424242424242") {
		t.Fatal("fingerprint must ignore formatting")
	}
	if card.Fingerprint([]byte("k1"), "4242424242424242") == card.Fingerprint([]byte("k2"), "4242424242424242") {
		t.Fatal("fingerprint must depend on the key")
	}
}

// FuzzValidateNumber: never panics; anything accepted is all digits,
// 12-19 long and passes Luhn.
func FuzzValidateNumber(f *testing.F) {
	for _, s := range []string{"4242424242424242", "4242-4242-4242-4242", "", "0", "3782822463100050", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, _, err := card.ValidateNumber(s)
		if err != nil {
			return
		}
		if len(n) < 12 || len(n) > 19 || !card.Luhn(n) {
			t.Fatalf("accepted %q as %q", s, n)
		}
		_ = card.DetectBrand(s)
		_ = card.Mask(s)
	})
}

func TestBINCountries(t *testing.T) {
	tab := card.DefaultBINs()
	for number, want := range map[string]string{
		"4000008260000000": "GB", "4000002500000003": "FR", "4242424242424242": "US",
		"4000000000000002": "", "5105105105105100": "", "4000004140000005": "KW",
	} {
		if got := tab.Country(number); got != want {
			t.Errorf("%s: %q, want %q", number, got, want)
		}
	}
	extra := &card.BINTable{}
	if err := extra.Load(strings.NewReader("# licensed table\n510510 US\n5105 CA\n")); err != nil {
		t.Fatal(err)
	}
	if got := extra.Country("5105105105105100"); got != "US" {
		t.Errorf("the longest prefix did not win: %q", got)
	}
	if err := extra.Load(strings.NewReader("510510 US\n51 United States\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a bad line: %v", err)
	}
	if got := extra.Country("5105105105105100"); got != "US" {
		t.Errorf("a failed load changed the table: %q", got)
	}
}
