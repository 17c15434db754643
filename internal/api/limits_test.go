package api_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/api"
)

func retryAfterSeconds(t *testing.T, r resp) int {
	t.Helper()
	n, err := strconv.Atoi(r.header.Get("Retry-After"))
	if r.status != 429 || err != nil || n < 1 {
		t.Fatalf("want 429 with Retry-After, got %d %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	return n
}

func TestEachCredentialHasATokenBucket(t *testing.T) {
	clk := newClock()
	limits := quietLimits
	limits.PerCredential, limits.PerCredentialBurst = 1, 5
	e := newEnvWith(t, limits, clk.now)
	for i := range 5 {
		if r := e.do("GET", "/v1/balance", e.key, ""); r.status != 200 {
			t.Fatalf("request %d of the burst: %d", i+1, r.status)
		}
	}
	r := e.do("GET", "/v1/balance", e.key, "")
	wantProblem(t, r, 429, "rate_limited", "")
	retryAfterSeconds(t, r)
	// Another credential has its own bucket; time refills this one.
	if r := e.do("GET", "/v1/balance", e.other, ""); r.status != 200 {
		t.Fatalf("other merchant: %d", r.status)
	}
	clk.advance(time.Second)
	if r := e.do("GET", "/v1/balance", e.key, ""); r.status != 200 {
		t.Fatalf("after a second: %d", r.status)
	}
}

func TestFailedAuthenticationsEarnGrowingDelays(t *testing.T) {
	clk := newClock()
	limits := api.DefaultRateLimits
	limits.PerCredential, limits.PerIP = 0, 0
	e := newEnvWith(t, limits, clk.now)
	// A thousand bad keys from one address: refused after the free failures.
	var refusedAt int
	for i := range 1000 {
		r := e.do("GET", "/v1/balance", "sk_test_guess"+strconv.Itoa(i)+strings.Repeat("x", 20), "")
		if r.status == 429 {
			refusedAt = i
			retryAfterSeconds(t, r)
			break
		}
		if r.status != 401 {
			t.Fatalf("guess %d: %d", i, r.status)
		}
	}
	if refusedAt == 0 || refusedAt > limits.FreeFailures+1 {
		t.Fatalf("first refusal at guess %d", refusedAt)
	}
	// Even the right key waits out the delay from this address, then works.
	retryAfterSeconds(t, e.do("GET", "/v1/balance", e.key, ""))
	clk.advance(2 * time.Second)
	if r := e.do("GET", "/v1/balance", e.key, ""); r.status != 200 {
		t.Fatalf("after the delay: %d %s", r.status, r.body)
	}
	// Each further failure doubles the delay.
	e.do("GET", "/v1/balance", "sk_test_"+strings.Repeat("y", 30), "")
	d1 := retryAfterSeconds(t, e.do("GET", "/v1/balance", e.key, ""))
	clk.advance(time.Duration(d1) * time.Second)
	e.do("GET", "/v1/balance", "sk_test_"+strings.Repeat("z", 30), "")
	d2 := retryAfterSeconds(t, e.do("GET", "/v1/balance", e.key, ""))
	if d2 < 2*d1-1 {
		t.Fatalf("delays %ds then %ds: not growing", d1, d2)
	}
}

func TestTheTokenEndpointAndSignInsAreStricter(t *testing.T) {
	clk := newClock()
	e := newEnvWith(t, api.DefaultRateLimits, clk.now)
	keyID, _ := e.newKey(e.key, `{"kind":"restricted","scopes":["payments:read"]}`)
	e.newUser("owner@a.test", "owner")
	wrong := url.Values{"grant_type": {"client_credentials"}, "client_id": {keyID}, "client_secret": {"rk_test_" + strings.Repeat("w", 30)}}
	var limited bool
	for range 100 {
		r := e.postForm("/oauth/token", wrong)
		if r.status == 429 {
			limited = true
			retryAfterSeconds(t, r)
			break
		}
		if r.status != 401 {
			t.Fatalf("wrong secret: %d %s", r.status, r.body)
		}
	}
	if !limited {
		t.Fatal("100 wrong client secrets were never limited")
	}
	// Sign-ins: a burst of the auth bucket (10) and no more.
	clk.advance(time.Hour)
	statuses := map[int]int{}
	for range 30 {
		statuses[e.browser().login("someone@a.test", "not the password", "").status]++
	}
	if statuses[429] == 0 || statuses[401] > api.DefaultRateLimits.FreeFailures+1 {
		t.Fatalf("30 failed sign-ins: %v", statuses)
	}
}
