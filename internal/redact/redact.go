package redact

import (
	"context"
	"log/slog"
	"strings"

	"github.com/paygate/paygate/internal/card"
)

// Handler masks card data in every record before passing it on.
type Handler struct{ next slog.Handler }

// NewHandler wraps next.
func NewHandler(next slog.Handler) *Handler { return &Handler{next: next} }

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = attr(a)
	}
	return &Handler{next: h.next.WithAttrs(clean)}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler { return &Handler{next: h.next.WithGroup(name)} }

// sensitiveKeys are attribute names whose values are never logged.
var sensitiveKeys = []string{"cvc", "cvv", "cvc2", "cvv2", "cid", "security_code", "card_number", "number", "pan", "password", "secret"}

func sensitive(key string) bool {
	k := strings.ToLower(key)
	for _, s := range sensitiveKeys {
		if k == s || strings.HasSuffix(k, "."+s) || strings.HasSuffix(k, "_"+s) {
			return true
		}
	}
	return false
}

func attr(a slog.Attr) slog.Attr {
	if sensitive(a.Key) {
		return slog.String(a.Key, "[redacted]")
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, ga := range g {
			clean[i] = attr(ga)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, String(err.Error()))
		}
		return slog.String(a.Key, String(v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// String masks every Luhn-valid 13-19 digit run in s (digits may be grouped
// with single spaces or dashes) to its first six and last four digits.
func String(s string) string {
	if !hasDigitRun(s) {
		return s
	}
	var b strings.Builder
	i := 0
	for i < len(s) {
		if s[i] < '0' || s[i] > '9' || (i > 0 && s[i-1] >= '0' && s[i-1] <= '9') {
			b.WriteByte(s[i])
			i++
			continue
		}
		end, digits := scan(s, i)
		if masked, ok := maskRun(digits); ok {
			b.WriteString(masked)
			i = end
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// scan reads a run of digits starting at i with single separators between
// digits, returning where it ends and its digits.
func scan(s string, i int) (int, string) {
	var digits []byte
	end := i
	for j := i; j < len(s); j++ {
		c := s[j]
		if c >= '0' && c <= '9' {
			digits = append(digits, c)
			end = j + 1
			continue
		}
		if (c == ' ' || c == '-') && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' && j > i {
			continue
		}
		break
	}
	return end, string(digits)
}

// maskRun finds the longest Luhn-valid 13-19 digit prefix-or-whole run.
func maskRun(digits string) (string, bool) {
	if len(digits) < 13 {
		return "", false
	}
	// Any 13-19 digit window that passes Luhn is treated as a card number;
	// the whole run is masked so no window of it can be read back.
	for start := 0; start+13 <= len(digits); start++ {
		for l := 19; l >= 13; l-- {
			if start+l <= len(digits) && card.Luhn(digits[start:start+l]) {
				return digits[:min(6, len(digits))] + "…" + digits[len(digits)-4:], true
			}
		}
	}
	return "", false
}

func hasDigitRun(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			if n >= 13 {
				return true
			}
		} else if s[i] != ' ' && s[i] != '-' {
			n = 0
		}
	}
	return false
}
