package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/pgtest"
	"github.com/paygate/paygate/internal/vault"
)

// canaryPayments is how many sandbox payments the CVC canary makes per
// database (reliability.md PCI-01 asks for at least 1,000).
const canaryPayments = 1050

// TestCVCCanaryReachesNoDatabaseLogOrTempFile follows reliability.md
// PCI-01/02: payments through every door that takes a CVC (hosted page,
// single-use token as hosted fields make it, API card, vault payment,
// client-side encrypted CVC, the Paymentz door's card.cvv, and a 3-D Secure
// challenge left open) carry distinctive CVCs and holder names; afterwards
// no database file, log line or file written to the temp folder holds a
// CVC next to its canary name, and no record holds a cvc/cvv/security_code
// key with a value. On PostgreSQL the scan reads every row of the test's
// schema, and, when the server's files are readable here, the schema's
// table files and the write-ahead log written during the test.
func TestCVCCanaryReachesNoDatabaseLogOrTempFile(t *testing.T) {
	t.Run("on SQLite", func(t *testing.T) { cvcCanary(t, "") })
	t.Run("on PostgreSQL", func(t *testing.T) { cvcCanary(t, pgtest.FreshURL(t)) })
}

type canaryRun struct {
	t        *testing.T
	canaries map[string]string // holder -> CVC
	cvcKey   *regexp.Regexp
}

func cvcCanary(t *testing.T, postgresURL string) {
	// paygate's temporary files (SQLite's included) go to TMPDIR: give it
	// one of its own, so the scan sees exactly what paygate wrote.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	start := time.Now()
	g := newGatewayWith(t, nil, postgresURL)
	run := &canaryRun{t: t, canaries: map[string]string{},
		cvcKey: regexp.MustCompile(`(?i)["']?(cvc|cvv|cvv2|security_code|card_verification|encrypted_cvc)["']?\s*[:=]\s*["']?\d{3,4}`)}
	pem := g.apiWith(g.pk, "GET", "/v1/encryption-key", "")["public_key_pem"].(string)
	pz := newPaymentzClient(t, g)
	for i := range canaryPayments {
		holder := fmt.Sprintf("CANARY-%04d-ZQX", i)
		// Amex CIDs, four digits from 4000 to 8999: never the card's own
		// numbers stored beside the name (expiry 2031, last4 0005, amount 900).
		cid := strconv.Itoa(4000 + (i*7919)%5000)
		if strings.HasSuffix(cid, "900") {
			cid = strconv.Itoa(4000 + (i*7919+1)%5000)
		}
		run.canaries[holder] = cid
		card := fmt.Sprintf(`{"number":"378282246310005","exp_month":12,"exp_year":2031,"cvc":%q,"holder":%q}`, cid, holder)
		switch i % 7 {
		case 0: // hosted payment page
			_, u := g.session(`{"amount":900,"currency":"USD","success_url":"https://shop.test/ok"}`)
			_, page := fetch(t, "GET", u, nil)
			f := url.Values{"csrf": {csrfField.FindStringSubmatch(page)[1]}, "number": {"3782 822463 10005"}, "expiry": {"12/31"}, "cvc": {cid}, "holder": {holder}}
			if resp, _ := fetch(t, "POST", u, f, "Origin", g.url); resp.StatusCode != 303 {
				t.Fatalf("hosted page payment: %d", resp.StatusCode)
			}
		case 1: // single-use token (what hosted fields make), then a payment with it
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
			run.canaries[holder] = cid[1:]
			if p := g.api("POST", "/v1/payments", `{"amount":900,"currency":"USD","payment_method":{"type":"card","card":`+c+`}}`); p["status"] != "requires_action" {
				t.Fatalf("challenge payment: %v", p)
			}
		case 4: // client-side encryption: number and CVC as RSA-OAEP ciphertexts
			number, err1 := vault.EncryptField(pem, "378282246310005")
			cvc, err2 := vault.EncryptField(pem, cid)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			body := fmt.Sprintf(`{"amount":900,"currency":"USD","payment_method":{"type":"card","card":{"encrypted_number":%q,"encrypted_cvc":%q,"exp_month":12,"exp_year":2031,"holder":%q}}}`, number, cvc, holder)
			if p := g.api("POST", "/v1/payments", body); p["status"] != "captured" {
				t.Fatalf("encrypted payment: %v", p)
			}
		case 5: // the Paymentz door's card.cvv
			pz.sale(fmt.Sprintf("mt-%d", i), cid, holder)
		case 6: // a card in the API request
			if p := g.api("POST", "/v1/payments", `{"amount":900,"currency":"USD","payment_method":{"type":"card","card":`+card+`}}`); p["status"] != "captured" {
				t.Fatalf("API card payment: %v", p)
			}
		}
	}

	t.Logf("%d payments in %v", canaryPayments, time.Since(start))
	if postgresURL == "" {
		dbFiles, _ := filepath.Glob(filepath.Join(g.dir, "pg.db*"))
		if len(dbFiles) < 2 {
			t.Fatalf("database files: %v", dbFiles)
		}
		found := false
		for _, f := range dbFiles {
			b, _ := os.ReadFile(f)
			found = found || bytes.Contains(b, []byte("CANARY-"))
			run.check(filepath.Base(f), b, true)
		}
		if !found {
			t.Fatal("no canary name reached the database: the scan would prove nothing")
		}
	} else {
		run.scanPostgres(postgresURL, start)
	}
	logs := g.logs.String()
	if !strings.Contains(logs, `"route":"POST /checkout/{token}"`) || !strings.Contains(logs, paymentz.Prefix+"payments") {
		t.Fatal("the logs did not capture the hosted page and Paymentz requests")
	}
	run.check("logs", []byte(logs), true)
	// Every file written to the temp folder during the test.
	filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(start) && info.Size() < 64<<20 {
			if b, err := os.ReadFile(p); err == nil {
				run.check(p, b, true)
			}
		}
		return nil
	})
}

// check fails the test if b holds a canary's CVC within 512 bytes of its
// name, or (withKeys) a CVC-named field with a value.
func (c *canaryRun) check(where string, b []byte, withKeys bool) {
	c.t.Helper()
	if m := c.cvcField(b); withKeys && m != nil {
		c.t.Errorf("%s holds a CVC field with a value: %q", where, m)
	}
	const name = len("CANARY-0000-ZQX")
	for off := 0; ; {
		k := bytes.Index(b[off:], []byte("CANARY-"))
		if k < 0 {
			return
		}
		at := off + k
		if at+name <= len(b) {
			if cid, ok := c.canaries[string(b[at:at+name])]; ok {
				lo, hi := max(at-512, 0), min(at+name+512, len(b))
				if standalone(b[lo:hi], cid) {
					c.t.Errorf("%s holds %s's CVC %s next to the name: %q", where, b[at:at+name], cid, b[lo:hi])
				}
			}
		}
		off = at + len("CANARY-")
	}
}

// cvcField finds a CVC-named field with a value. The regular expression
// runs only around the names (found in an ASCII-lowercased copy): over
// tens of megabytes of WAL it would take seconds per file.
func (c *canaryRun) cvcField(b []byte) []byte {
	low := make([]byte, len(b))
	for i, x := range b {
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		low[i] = x
	}
	for _, name := range []string{"cvc", "cvv", "security_code", "card_verification"} {
		for off := 0; ; {
			k := bytes.Index(low[off:], []byte(name))
			if k < 0 {
				break
			}
			at := off + k
			if m := c.cvcKey.Find(b[max(at-15, 0):min(at+len(name)+24, len(b))]); m != nil {
				return m
			}
			off = at + len(name)
		}
	}
	return nil
}

// scanPostgres reads every row of the test's schema as text, then, if the
// server's data directory is readable from here, the schema's relation
// files (after a checkpoint) and the WAL segments written since start.
// Other tests share the server, so the WAL is checked only for canaries.
func (c *canaryRun) scanPostgres(u string, start time.Time) {
	t := c.t
	ctx := context.Background()
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	all := bytes.NewBuffer(postgresRows(t, u))
	if !bytes.Contains(all.Bytes(), []byte("CANARY-")) {
		t.Fatal("no canary name reached the tables: the scan would prove nothing")
	}
	c.check("postgres rows", all.Bytes(), true)

	var dataDir string
	if err := db.QueryRowContext(ctx, `SHOW data_directory`).Scan(&dataDir); err != nil {
		t.Logf("no data directory (%v): scanned the rows only", err)
		return
	}
	if _, err := os.ReadDir(filepath.Join(dataDir, "pg_wal")); err != nil {
		t.Logf("the server's files are not readable here (%v): scanned the rows only", err)
		return
	}
	if _, err := db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		t.Logf("checkpoint refused (%v): relation files may lag", err)
	}
	files, err := db.QueryContext(ctx, `SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE (n.nspname = current_schema() OR c.oid IN (SELECT reltoastrelid FROM pg_class k JOIN pg_namespace m ON m.oid = k.relnamespace WHERE m.nspname = current_schema()))
		AND pg_relation_filepath(c.oid) IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	var scanned, canaryInFiles int
	for files.Next() {
		var rel string
		files.Scan(&rel)
		matches, _ := filepath.Glob(filepath.Join(dataDir, rel) + "*") // segments (.1, …), free-space and visibility maps
		for _, f := range matches {
			if b, err := os.ReadFile(f); err == nil {
				scanned++
				if bytes.Contains(b, []byte("CANARY-")) {
					canaryInFiles++
				}
				c.check(f, b, true)
			}
		}
	}
	files.Close()
	wal, _ := filepath.Glob(filepath.Join(dataDir, "pg_wal", "0*"))
	walScanned := 0
	for _, f := range wal {
		if info, err := os.Stat(f); err == nil && info.ModTime().After(start.Add(-time.Second)) {
			if b, err := os.ReadFile(f); err == nil {
				walScanned++
				c.check(f, b, false)
			}
		}
	}
	if canaryInFiles == 0 || walScanned == 0 {
		t.Fatalf("scanned %d relation files (%d with a canary) and %d WAL segments: the scan would prove nothing", scanned, canaryInFiles, walScanned)
	}
	t.Logf("scanned %d rows' text, %d relation files and %d WAL segments", strings.Count(all.String(), "\n"), scanned, walScanned)
}

// paymentzClient pays through the Paymentz door as a merchant's server does.
type paymentzClient struct {
	t                  *testing.T
	g                  *gateway
	member, key, token string
}

func newPaymentzClient(t *testing.T, g *gateway) *paymentzClient {
	t.Helper()
	cred, key, err := g.eng.CreateDoorCredential(context.Background(), engine.Actor{MerchantID: g.merchant, Mode: payment.Sandbox}, paymentz.Door,
		engine.DoorCredentialOptions{Username: "canary-shop", PartnerID: "7"})
	if err != nil {
		t.Fatal(err)
	}
	c := &paymentzClient{t: t, g: g, member: strconv.FormatInt(cred.MemberID, 10), key: key}
	resp, body := fetch(t, "POST", g.url+paymentz.Prefix+"authToken", url.Values{"authentication.memberId": {c.member}, "authentication.sKey": {key}, "authentication.partnerId": {"7"}})
	m := regexp.MustCompile(`"AuthToken"\s*:\s*"([^"]+)"`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("Paymentz authToken: %d %s", resp.StatusCode, body)
	}
	c.token = m[1]
	return c
}

func (c *paymentzClient) sale(mtid, cvv, holder string) {
	c.t.Helper()
	f := url.Values{"authentication.memberId": {c.member}, "authentication.checksum": {paymentz.PaymentChecksum(c.member, c.key, mtid, "9.00")},
		"paymentType": {"DB"}, "paymentMode": {"CC"}, "merchantTransactionId": {mtid}, "amount": {"9.00"}, "currency": {"USD"},
		"card.number": {"378282246310005"}, "card.expiryMonth": {"12"}, "card.expiryYear": {"2031"}, "card.cvv": {cvv}, "card.holder": {holder},
		"merchantRedirectUrl": {"https://shop.test/return"}}
	resp, body := fetch(c.t, "POST", c.g.url+paymentz.Prefix+"payments", f, "AuthToken", c.token)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"code": "00001"`) {
		c.t.Fatalf("Paymentz payment: %d %s", resp.StatusCode, body)
	}
}

// standalone reports whether cvc occurs in b other than inside a longer run
// of digits or inside a long lowercase token: timestamps, amounts, ids
// (ULIDs, or prefix_random like a challenge's chl_az7134vaqkrwrx) and hex
// fingerprints near a name hold every 3- or 4-digit string now and then, a
// stored CVC stands alone or beside a short field.
func standalone(b []byte, cvc string) bool {
	digit := func(i int) bool { return i >= 0 && i < len(b) && b[i] >= '0' && b[i] <= '9' }
	token := func(i int) bool {
		return i >= 0 && i < len(b) && (digit(i) || (b[i] >= 'a' && b[i] <= 'z') || b[i] == '_')
	}
	for off := 0; ; {
		k := bytes.Index(b[off:], []byte(cvc))
		if k < 0 {
			return false
		}
		at := off + k
		lo, hi := at, at+len(cvc)
		for token(lo - 1) {
			lo--
		}
		for token(hi) {
			hi++
		}
		if !digit(at-1) && !digit(at+len(cvc)) && hi-lo < 16 {
			return true
		}
		off = at + 1
	}
}

// TestCanaryScanTellsAStoredCVCFromAnID keeps the canary honest: a CVC
// written as a value is found, the same digits inside an id, a timestamp
// or a fingerprint are not.
func TestCanaryScanTellsAStoredCVCFromAnID(t *testing.T) {
	for row, want := range map[string]bool{
		`{"holder":"CANARY-0001-ZQX","cvc":"7134"}`:                 true,
		`(pay_1,CANARY-0001-ZQX,7134,12,2031)`:                      true,
		`CANARY-0001-ZQX code_7134 x`:                               true,
		`CANARY-0001-ZQX "http://x/sandbox/3ds/chl_az7134vaqkrwrx"`: false,
		`CANARY-0001-ZQX 1796328978371340`:                          false,
		`CANARY-0001-ZQX 3cb81d053e9e941f6e81644c7134`:              false,
	} {
		if got := standalone([]byte(row), "7134"); got != want {
			t.Errorf("standalone(%q) = %v, want %v", row, got, want)
		}
	}
}
