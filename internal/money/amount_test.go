package money_test

import (
	"errors"
	"testing"

	"github.com/paygate/paygate/internal/money"
)

func TestParseAndFormatFollowTheCurrencyExponent(t *testing.T) {
	cases := []struct {
		name, in, code string
		minor          int64
		formatted      string
	}{
		{"dollars and cents", "10.99", "USD", 1099, "10.99"},
		{"whole dollars get two zero decimals when formatted", "10", "USD", 1000, "10.00"},
		{"one decimal is padded", "10.5", "EUR", 1050, "10.50"},
		{"yen has no minor unit", "500", "JPY", 500, "500"},
		{"dinar has three decimals", "86.000", "KWD", 86000, "86.000"},
		{"bahraini dinar partial fils", "0.005", "BHD", 5, "0.005"},
		{"negative amounts keep their sign", "-1.25", "USD", -125, "-1.25"},
		{"cents below one dollar", "0.07", "USD", 7, "0.07"},
		{"lower-case code is accepted", "1.00", "usd", 100, "1.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur, err := money.Lookup(c.code)
			if err != nil {
				t.Fatal(err)
			}
			got, err := money.Parse(c.in, cur)
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.in, err)
			}
			if got != c.minor {
				t.Fatalf("Parse(%q) = %d, want %d", c.in, got, c.minor)
			}
			if f := money.Format(got, cur); f != c.formatted {
				t.Fatalf("Format(%d) = %q, want %q", got, f, c.formatted)
			}
		})
	}
}

func TestParseRefusesWhatItCannotRepresentExactly(t *testing.T) {
	cases := []struct {
		name, in, code string
		want           error
	}{
		{"more decimals than USD has", "10.999", "USD", money.ErrTooPrecise},
		{"any decimals for JPY", "500.5", "JPY", money.ErrTooPrecise},
		{"four decimals for KWD", "1.0000", "KWD", money.ErrTooPrecise},
		{"exponent notation", "1e3", "USD", money.ErrSyntax},
		{"empty", "", "USD", money.ErrSyntax},
		{"dot only", ".", "USD", money.ErrSyntax},
		{"trailing dot", "10.", "USD", money.ErrSyntax},
		{"leading dot", ".5", "USD", money.ErrSyntax},
		{"plus sign", "+1", "USD", money.ErrSyntax},
		{"spaces", " 1", "USD", money.ErrSyntax},
		{"beyond int64", "92233720368547758.08", "USD", money.ErrOverflow},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := money.Parse(c.in, money.MustLookup(c.code))
			if !errors.Is(err, c.want) {
				t.Fatalf("Parse(%q) error = %v, want %v", c.in, err, c.want)
			}
		})
	}
}

func TestArithmeticRefusesMixedCurrenciesAndOverflow(t *testing.T) {
	usd := money.Amount{Minor: 100, Currency: money.MustLookup("USD")}
	eur := money.Amount{Minor: 100, Currency: money.MustLookup("EUR")}
	if _, err := usd.Add(eur); !errors.Is(err, money.ErrCurrencyMismatch) {
		t.Fatalf("USD+EUR error = %v", err)
	}
	big := money.Amount{Minor: 1<<63 - 1, Currency: usd.Currency}
	if _, err := big.Add(usd); !errors.Is(err, money.ErrOverflow) {
		t.Fatalf("overflow error = %v", err)
	}
	sum, err := usd.Add(usd)
	if err != nil || sum.Minor != 200 || sum.String() != "2.00 USD" {
		t.Fatalf("100+100 = %v, %v", sum, err)
	}
	diff, err := usd.Sub(sum)
	if err != nil || diff.Minor != -100 {
		t.Fatalf("100-200 = %v, %v", diff, err)
	}
}

func TestLookupKnowsTheExponentsThatMatter(t *testing.T) {
	for code, exp := range map[string]int{"JPY": 0, "EUR": 2, "USD": 2, "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3} {
		c, err := money.Lookup(code)
		if err != nil || c.Exponent != exp {
			t.Errorf("%s exponent = %d, %v; want %d", code, c.Exponent, err, exp)
		}
	}
	for _, bad := range []string{"", "US", "USDD", "XYZ", "usd "} {
		if _, err := money.Lookup(bad); err == nil {
			t.Errorf("Lookup(%q) succeeded", bad)
		}
	}
	if c, err := money.LookupNumeric("840"); err != nil || c.Code != "USD" {
		t.Errorf("LookupNumeric(840) = %v, %v", c, err)
	}
}

// FuzzParse: any input either fails or round-trips exactly through Format.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"10.99", "0", "-0.01", "86.000", "1e5", "99999999999999999999", ".", "-", "1..2"} {
		f.Add(s, "USD")
		f.Add(s, "KWD")
		f.Add(s, "JPY")
	}
	f.Fuzz(func(t *testing.T, s, code string) {
		cur, err := money.Lookup(code)
		if err != nil {
			return
		}
		v, err := money.Parse(s, cur)
		if err != nil {
			return
		}
		back, err := money.Parse(money.Format(v, cur), cur)
		if err != nil || back != v {
			t.Fatalf("%q parsed to %d, formatted %q, reparsed %d (%v)", s, v, money.Format(v, cur), back, err)
		}
	})
}
