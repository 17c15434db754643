package api_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoCardNumberOrCVCReachesTheDatabaseFiles scans the SQLite files byte
// by byte after sales, declines, refunds and idempotent replays.
func TestNoCardNumberOrCVCReachesTheDatabaseFiles(t *testing.T) {
	e := newEnv(t)
	pans := []string{"4242424242424242", "4000000000009995", "378282246310005"}
	for i, pan := range pans {
		body := strings.Replace(visaSale, "4242424242424242", pan, 1)
		if pan == "378282246310005" {
			body = strings.Replace(body, `"cvc":"123"`, `"cvc":"1234"`, 1)
		}
		key := []string{"Idempotency-Key", fmt.Sprintf("scan-%d", i)}
		e.do("POST", "/v1/payments", e.key, body, key...)
		e.do("POST", "/v1/payments", e.key, body, key...) // replay
		if i == 0 {
			id := e.do("GET", "/v1/payments?limit=1", e.key, "").json(t)["data"].([]any)[0].(map[string]any)["id"].(string)
			e.do("POST", "/v1/payments/"+id+"/refunds", e.key, `{"amount":100}`)
		}
	}
	e.do("POST", "/v1/payments", e.key, strings.Replace(visaSale, `"exp_year":2030`, `"exp_year":2001`, 1)) // refused
	files, _ := filepath.Glob(filepath.Join(e.dir, "api.db*"))
	if len(files) == 0 {
		t.Fatal("no database files found")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, pan := range pans {
			if bytes.Contains(b, []byte(pan)) {
				t.Errorf("%s contains the card number %s", filepath.Base(f), pan)
			}
		}
		if bytes.Contains(b, []byte("cvc")) || bytes.Contains(b, []byte("1234\"")) {
			t.Errorf("%s contains CVC data", filepath.Base(f))
		}
	}
}
