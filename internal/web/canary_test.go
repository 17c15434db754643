package web_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestCVCCanaryReachesNoDatabaseLogOrTempFile follows reliability.md
// PCI-01/02: payments through every door (hosted page, token, API card,
// vault payment, a 3-D Secure challenge left open) carry distinctive CVCs
// and holder names; afterwards no database file, log line or file written
// to the temp folder holds a CVC next to its canary name, and no record
// holds a cvc/cvv/security_code key with a value.
func TestCVCCanaryReachesNoDatabaseLogOrTempFile(t *testing.T) {
	// paygate's temporary files (SQLite's included) go to TMPDIR: give it
	// one of its own, so the scan sees exactly what paygate wrote.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	start := time.Now()
	g := newGateway(t)
	canaries := map[string]string{} // holder -> CVC
	for i := 0; i < 12; i++ {
		canaries[fmt.Sprintf("CANARY-%02d-ZQX", i)] = fmt.Sprintf("7%03d", 391+i*7) // Amex CIDs
	}
	i := 0
	for holder, cid := range canaries {
		card := fmt.Sprintf(`{"number":"378282246310005","exp_month":12,"exp_year":2031,"cvc":%q,"holder":%q}`, cid, holder)
		switch i % 4 {
		case 0: // hosted payment page
			_, u := g.session(`{"amount":900,"currency":"USD","success_url":"https://shop.test/ok"}`)
			_, page := fetch(t, "GET", u, nil)
			f := url.Values{"csrf": {csrfField.FindStringSubmatch(page)[1]}, "number": {"3782 822463 10005"}, "expiry": {"12/31"}, "cvc": {cid}, "holder": {holder}}
			if resp, _ := fetch(t, "POST", u, f, "Origin", g.url); resp.StatusCode != 303 {
				t.Fatalf("hosted page payment: %d", resp.StatusCode)
			}
		case 1: // single-use token, then a payment with it
			tok := g.apiWith(g.pk, "POST", "/v1/tokens", `{"card":`+card+`}`)
			if p := g.api("POST", "/v1/payments", fmt.Sprintf(`{"amount":900,"currency":"USD","payment_method":{"type":"token","token":%q,"key":%q}}`, tok["id"], tok["key"])); p["status"] != "captured" {
				t.Fatalf("token payment: %v", p)
			}
		case 2: // vault payment for a customer
			g.api("POST", "/v1/customers", fmt.Sprintf(`{"reference":"cust-%d"}`, i))
			if p := g.api("POST", "/v1/payments", fmt.Sprintf(`{"amount":900,"currency":"USD","customer":"cust-%d","payment_method":{"type":"card","card":%s}}`, i, card)); p["status"] != "captured" {
				t.Fatalf("vault payment: %v", p)
			}
		case 3: // a 3-D Secure challenge left open: the CVC must not wait in storage
			c := strings.Replace(card, "378282246310005", "4000002760003184", 1)
			c = strings.Replace(c, `"cvc":"`+cid+`"`, `"cvc":"`+cid[1:]+`"`, 1)
			canaries[holder] = cid[1:]
			if p := g.api("POST", "/v1/payments", `{"amount":900,"currency":"USD","payment_method":{"type":"card","card":`+c+`}}`); p["status"] != "requires_action" {
				t.Fatalf("challenge payment: %v", p)
			}
		}
		i++
	}

	cvcKey := regexp.MustCompile(`(?i)["']?(cvc|cvv|cvv2|security_code|card_verification)["']?\s*[:=]\s*["']?\d{3,4}`)
	check := func(where string, b []byte) {
		if m := cvcKey.Find(b); m != nil {
			t.Errorf("%s holds a CVC field with a value: %q", where, m)
		}
		for holder, cid := range canaries {
			for off := 0; ; {
				k := bytes.Index(b[off:], []byte(holder))
				if k < 0 {
					break
				}
				at := off + k
				lo, hi := max(at-512, 0), min(at+len(holder)+512, len(b))
				if standalone(b[lo:hi], cid) {
					t.Errorf("%s holds %s's CVC %s next to the name", where, holder, cid)
				}
				off = at + len(holder)
			}
		}
	}
	dbFiles, _ := filepath.Glob(filepath.Join(g.dir, "pg.db*"))
	if len(dbFiles) < 2 {
		t.Fatalf("database files: %v", dbFiles)
	}
	found := false
	for _, f := range dbFiles {
		b, _ := os.ReadFile(f)
		found = found || bytes.Contains(b, []byte("CANARY-"))
		check(filepath.Base(f), b)
	}
	if !found {
		t.Fatal("no canary name reached the database: the scan would prove nothing")
	}
	logs := g.logs.String()
	if !strings.Contains(logs, `"route":"POST /checkout/{token}"`) {
		t.Fatal("the logs did not capture the hosted page requests")
	}
	check("logs", []byte(logs))
	// Every file written to the temp folder during the test.
	filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(start) && info.Size() < 64<<20 {
			if b, err := os.ReadFile(p); err == nil {
				check(p, b)
			}
		}
		return nil
	})
}

// standalone reports whether cvc occurs in b other than inside a longer run
// of digits: timestamps and amounts near a name hold every 4-digit string
// now and then, a stored CVC stands alone.
func standalone(b []byte, cvc string) bool {
	digit := func(i int) bool { return i >= 0 && i < len(b) && b[i] >= '0' && b[i] <= '9' }
	for off := 0; ; {
		k := bytes.Index(b[off:], []byte(cvc))
		if k < 0 {
			return false
		}
		at := off + k
		if !digit(at-1) && !digit(at+len(cvc)) {
			return true
		}
		off = at + 1
	}
}
