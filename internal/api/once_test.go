package api_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// POSTs without an idempotency of their own in the engine still keep the
// Idempotency-Key contract: the same key and body replay the first answer
// (and act once), another body answers 422, and concurrent duplicates act
// once.
func TestIdempotencyKeyOnTheOtherPosts(t *testing.T) {
	e := newEnv(t)
	count := func(path string) int {
		t.Helper()
		return len(e.do("GET", path+"?limit=100", e.key, "").json(t)["data"].([]any))
	}

	// A customer.
	first := e.do("POST", "/v1/customers", e.key, `{"reference":"once-1","name":"Ana"}`, "Idempotency-Key", "cus-key-1")
	again := e.do("POST", "/v1/customers", e.key, `{"name":"Ana", "reference":"once-1"}`, "Idempotency-Key", "cus-key-1")
	if first.status != 201 || again.status != 201 || !bytes.Equal(first.body, again.body) || again.header.Get("Idempotent-Replayed") != "true" || count("/v1/customers") != 1 {
		t.Fatalf("customer retried: %d %s / %d %s (replayed %q, %d customers)", first.status, first.body, again.status, again.body,
			again.header.Get("Idempotent-Replayed"), count("/v1/customers"))
	}
	wantProblem(t, e.do("POST", "/v1/customers", e.key, `{"reference":"once-2"}`, "Idempotency-Key", "cus-key-1"), 422, "idempotency_key_reused", "Idempotency-Key")
	if count("/v1/customers") != 1 {
		t.Fatal("a refused reuse of the key made a customer")
	}

	// A subscription: a retry must not schedule a second one.
	e.do("POST", "/v1/customers", e.key, `{"reference":"sub-once"}`)
	mdt := e.do("POST", "/v1/payments", e.key, initialPayment("sub-once", "4242424242424242")).json(t)["mandate"].(string)
	sub := `{"mandate":"` + mdt + `","amount":900,"currency":"EUR","interval":"month"}`
	var wg sync.WaitGroup
	answers := make([]resp, 8)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.do("POST", "/v1/subscriptions", e.key, sub, "Idempotency-Key", "sub-key-1")
		}()
	}
	wg.Wait()
	created := 0
	for _, a := range answers {
		switch a.status {
		case 201:
			created++
		case 409:
		default:
			t.Fatalf("a concurrent duplicate answered %d %s", a.status, a.body)
		}
	}
	if n := count("/v1/subscriptions"); n != 1 || created < 1 {
		t.Fatalf("8 concurrent posts with one key made %d subscriptions (%d answers 201)", n, created)
	}
	if r := e.do("POST", "/v1/subscriptions", e.key, sub, "Idempotency-Key", "sub-key-1"); r.status != 201 || r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("a later retry: %d %s", r.status, r.body)
	}

	// A failure keeps nothing: the request may be corrected and sent again with the same key.
	bad := e.do("POST", "/v1/subscriptions", e.key, `{"mandate":"mdt_nope","amount":900,"currency":"EUR","interval":"month"}`, "Idempotency-Key", "sub-key-2")
	fixed := e.do("POST", "/v1/subscriptions", e.key, `{"mandate":"`+mdt+`","amount":700,"currency":"EUR","interval":"week"}`, "Idempotency-Key", "sub-key-2")
	if bad.status < 400 || bad.status > 499 || fixed.status != 201 || fixed.header.Get("Idempotent-Replayed") != "" || count("/v1/subscriptions") != 2 {
		t.Fatalf("a failed post corrected under the same key: %d %s / %d %s", bad.status, bad.body, fixed.status, fixed.body)
	}

	// An answer that shows a secret once is never kept: a retry is refused, and acts no more.
	keys := func() int { return len(e.do("GET", "/v1/api-keys", e.key, "").json(t)["data"].([]any)) }
	before := keys()
	made := e.do("POST", "/v1/api-keys", e.key, `{"name":"ci"}`, "Idempotency-Key", "key-once")
	if made.status != 201 || !bytes.Contains(made.body, []byte(`"secret"`)) {
		t.Fatalf("api key: %d %s", made.status, made.body)
	}
	wantProblem(t, e.do("POST", "/v1/api-keys", e.key, `{"name":"ci"}`, "Idempotency-Key", "key-once"), 409, "idempotency_key_used", "")
	if keys() != before+1 {
		t.Fatalf("a retried key creation made %d keys", keys()-before)
	}
	secret := string(made.body[bytes.Index(made.body, []byte(`"secret":"`))+10:])
	secret = secret[:bytes.IndexByte([]byte(secret), '"')]
	for _, f := range []string{"api.db", "api.db-wal"} {
		raw, _ := os.ReadFile(filepath.Join(e.dir, f))
		if len(secret) < 20 || bytes.Contains(raw, []byte(secret)) {
			t.Fatalf("the new key's secret %q is in %s", secret, f)
		}
	}
	wantProblem(t, e.do("POST", "/v1/customers", e.key, `{"reference":"x"}`, "Idempotency-Key", "a", "Idempotency-Key", "b"), 400, "parameter_invalid", "Idempotency-Key")
}
