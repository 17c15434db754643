package card

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
)

//go:embed bins.txt
var builtinBINs string

// BINTable maps card-number prefixes to issuing countries; the longest
// matching prefix wins. The zero value knows nothing.
type BINTable struct {
	mu       sync.RWMutex
	prefixes map[string]string
	longest  int
}

var (
	binLine     = regexp.MustCompile(`^([0-9]{4,11})\s+([A-Z]{2})$`)
	defaultBINs = func() *BINTable {
		t := &BINTable{}
		if err := t.Load(strings.NewReader(builtinBINs)); err != nil {
			panic(err)
		}
		return t
	}()
)

// DefaultBINs is the built-in table (test ranges); Load adds to it.
func DefaultBINs() *BINTable { return defaultBINs }

// Load adds "PREFIX CC" lines (# starts a comment); a malformed line is an
// error naming its number, and nothing from the reader is added.
func (t *BINTable) Load(r io.Reader) error {
	add := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := binLine.FindStringSubmatch(strings.Join(strings.Fields(line), " "))
		if m == nil {
			return fmt.Errorf("BIN table line %d: want a 4 to 11 digit prefix and an ISO 3166 alpha-2 country", n)
		}
		add[m[1]] = m[2]
	}
	if err := sc.Err(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.prefixes == nil {
		t.prefixes = map[string]string{}
	}
	for p, c := range add {
		t.prefixes[p] = c
		t.longest = max(t.longest, len(p))
	}
	return nil
}

// Country is the issuing country of a normalized card number, "" if unknown.
func (t *BINTable) Country(number string) string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for n := min(t.longest, len(number)); n >= 4; n-- {
		if c, ok := t.prefixes[number[:n]]; ok {
			return c
		}
	}
	return ""
}
