package api_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// A key revoked, or a person disabled, outside the API (from the dashboard
// or the CLI, straight through the engine) stops at the API at once, even
// though the API trusts a verified credential for a while.
func TestCredentialsChangedElsewhereStopAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := api.New(api.Config{Engine: e.engine, AuthCacheTTL: time.Hour, RateLimits: &quietLimits})
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	get := func(auth string) int {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/payments", nil)
		req.Header.Set("Authorization", auth)
		req.Header.Set("Paygate-Mode", "sandbox")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	owner := engine.Actor{MerchantID: e.mid, Mode: payment.Sandbox}
	k, secret, err := e.engine.CreateKey(ctx, owner, engine.CreateKeyInput{Kind: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	if st := get("Bearer " + secret); st != 200 {
		t.Fatalf("a new key: %d", st)
	}
	if _, err := e.engine.RevokeKey(ctx, owner, k.ID); err != nil {
		t.Fatal(err)
	}
	if st := get("Bearer " + secret); st != 401 {
		t.Fatalf("a key revoked through the engine still works from the cache: %d", st)
	}

	const password = "correct horse battery staple"
	u, _, err := e.engine.CreateUser(ctx, engine.Actor{MerchantID: e.mid}, engine.UserInput{Email: "ana@shop.test", Role: "analyst", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("ana@shop.test:"+password))
	if st := get(basic); st != 200 {
		t.Fatalf("a person's Basic credentials: %d", st)
	}
	yes := true
	if _, err := e.engine.UpdateUser(ctx, engine.Actor{MerchantID: e.mid}, u.ID, engine.UserUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if st := get(basic); st != 401 && st != 403 {
		t.Fatalf("a disabled person still gets in from the cache: %d", st)
	}
}
