package paytrace_test

import (
	"strconv"
	"testing"

	"github.com/paygate/paygate/internal/money"
)

func eur(minor int64) money.Amount {
	return money.Amount{Minor: minor, Currency: money.MustLookup("EUR")}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
