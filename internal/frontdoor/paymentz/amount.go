package paymentz

import (
	"strings"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
)

// parseAmount reads the vendor's amount string into minor units. The
// checksum is over the exact string, so only one spelling per value is
// accepted: exactly the currency's exponent of decimals ("50.00" for EUR,
// "86.000" for KWD; "50", "50.0" and "50.000" are refused for EUR). A
// currency without minor unit (JPY) may also carry ".00", as the vendor
// allows both.
func parseAmount(param, s string, c money.Currency) (int64, error) {
	bad := func() error {
		return fault.InvalidParam(param, "amount_invalid", "%s must be a positive decimal with exactly %d decimal places for %s", param, c.Exponent, c.Code)
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	switch {
	case intPart == "" || s[0] == '-' || s[0] == '+':
		return 0, bad()
	case len(intPart) > 1 && intPart[0] == '0':
		return 0, bad()
	case c.Exponent == 0 && hasDot && frac == "00":
		s = intPart
	case c.Exponent == 0 && hasDot, c.Exponent > 0 && len(frac) != c.Exponent:
		return 0, bad()
	}
	v, err := money.Parse(s, c)
	if err != nil || v <= 0 {
		return 0, bad()
	}
	return v, nil
}

// formatAmount writes minor units the way the vendor does: the currency's exponent of decimals.
func formatAmount(minor int64, c money.Currency) string { return money.Format(minor, c) }
