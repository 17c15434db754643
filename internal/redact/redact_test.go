package redact_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/redact"
)

func TestCardNumbersAreMaskedEverywhereInARecord(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(redact.NewHandler(slog.NewJSONHandler(&buf, nil))).With("ctx", "card 4000056655665556 in With")
	log.Info("charging 4242424242424242 now", "note", "pan 4242 4242 4242 4242", "err", errors.New("bad 5555-5555-5555-4444"),
		slog.Group("req", "body", `{"number":"378282246310005"}`), "cvc", "123", "card_number", "6011111111111117", "amount", 1099, "order", "1234567890")
	out := buf.String()
	for _, pan := range []string{"4242424242424242", "4242 4242 4242 4242", "5555-5555-5555-4444", "378282246310005", "6011111111111117", "4000056655665556", `"123"`} {
		if strings.Contains(out, pan) {
			t.Errorf("log line contains %q: %s", pan, out)
		}
	}
	for _, want := range []string{"424242…4242", "555555…4444", "378282…0005", "1099", "1234567890"} {
		if !strings.Contains(out, want) {
			t.Errorf("log line lost %q: %s", want, out)
		}
	}
}

func TestNonCardNumbersStayReadable(t *testing.T) {
	for _, s := range []string{"order 1234567890123 ", "pay_01jbz7", "amount 1099", "2026-11-23T10:00:00Z"} {
		if card.Luhn(strings.TrimSpace(strings.TrimPrefix(s, "order "))) {
			continue
		}
		if got := redact.String(s); got != s {
			t.Errorf("String(%q) = %q", s, got)
		}
	}
}

// FuzzRedact: no Luhn-valid 13-19 digit run of the input survives.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"4242424242424242", "x4242 4242 4242 4242y", "1234", "4000-0566-5566-5556 and 378282246310005", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := redact.String(s)
		digits := ""
		flush := func() {
			for i := 0; i+13 <= len(digits); i++ {
				for l := 13; l <= 19 && i+l <= len(digits); l++ {
					if card.Luhn(digits[i:i+l]) && strings.Contains(s, digits[i:i+l]) {
						t.Fatalf("input %q: output %q keeps %s", s, out, digits[i:i+l])
					}
				}
			}
			digits = ""
		}
		for i := 0; i < len(out); i++ {
			if out[i] >= '0' && out[i] <= '9' {
				digits += string(out[i])
			} else if !((out[i] == ' ' || out[i] == '-') && i > 0 && i+1 < len(out) && isDigit(out[i-1]) && isDigit(out[i+1])) {
				flush()
			}
		}
		flush()
	})
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
