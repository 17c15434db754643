package web

import (
	"strings"
	"testing"
)

// FuzzParseExpiry: any input is fine to refuse; an accepted one is a real month.
func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"12/31", "1231", "12 / 2031", "00/00", "13/31", "", "1/1", "12/3a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, y, ok := parseExpiry(s)
		if ok && (m < 1 || m > 12 || y < 2000 || y > 9999) {
			t.Fatalf("parseExpiry(%q) = %d/%d", s, m, y)
		}
		if ok && (strings.Count(s, "/") > 1 || strings.ContainsAny(s, "+-")) {
			t.Fatalf("parseExpiry(%q) accepted a malformed date", s)
		}
	})
}
