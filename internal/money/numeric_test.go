package money_test

import (
	"errors"
	"testing"

	"github.com/paygate/paygate/internal/money"
)

func TestParseNumericKnowsRUBAndRefusesLooseForms(t *testing.T) {
	for code, want := range map[string]string{"643": "RUB", "840": "USD", "978": "EUR", "414": "KWD", "398": "KZT", "051": "AMD"} {
		c, err := money.ParseNumeric(code)
		if err != nil || c.Code != want {
			t.Errorf("ParseNumeric(%q) = %v, %v; want %s", code, c, err, want)
		}
	}
	if c := money.MustLookup("RUB"); c.Numeric != "643" || c.Exponent != 2 {
		t.Errorf("RUB = %+v", c)
	}
	for _, bad := range []string{"", "64", "6430", "0643", "+64", " 643", "RUB", "999", "64a", "٦٤٣"} {
		if _, err := money.ParseNumeric(bad); !errors.Is(err, money.ErrUnknownCurrency) {
			t.Errorf("ParseNumeric(%q) = %v, want ErrUnknownCurrency", bad, err)
		}
	}
}
