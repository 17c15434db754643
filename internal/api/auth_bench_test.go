package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/sqlite"
)

// BenchmarkAuthOverhead measures what authentication costs a sale (the
// issue's budget is 5 %): the same sale through the full handler, and the
// guard alone (credential parse, cache, rate limiters, scope check) for each
// way of authenticating, in parallel as the sale benchmark runs. It reports
// each as a percentage of a sale; argon2 never runs on this path (a
// person's Basic credentials are verified once and then cached).
func BenchmarkAuthOverhead(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	eng, _ := engine.New(engine.Config{Store: st, PasswordParams: &auth.DefaultPasswordParams,
		Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: sandbox.New(sandbox.Options{BaseURL: "http://pg.test"})}})
	limits := DefaultRateLimits
	limits.PerCredential, limits.PerIP = 1e12, 1e12
	limits.PerCredentialBurst, limits.PerIPBurst = 1e12, 1e12
	s := New(Config{Engine: eng, RateLimits: &limits})
	m, secret, _ := eng.CreateMerchant(ctx, "Bench")
	owner := engine.Actor{MerchantID: m.ID, Mode: payment.Live}
	if _, _, err := eng.CreateUser(ctx, owner, engine.UserInput{Email: "owner@bench.test", Role: "owner", Password: "correct horse battery"}); err != nil {
		b.Fatal(err)
	}
	keyID := mustActor(b, eng, secret).Principal.ID
	tok, err := eng.IssueToken(ctx, engine.TokenRequest{ClientID: keyID, ClientSecret: secret})
	if err != nil {
		b.Fatal(err)
	}
	basicAuth := func(u, p string) string {
		r := &http.Request{Header: http.Header{}}
		r.SetBasicAuth(u, p)
		return r.Header.Get("Authorization")
	}

	body := `{"amount":1099,"currency":"USD","payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvc":"123"}}}`
	var saleNs float64
	b.Run("sale", func(b *testing.B) {
		h := s.Handler()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req := httptest.NewRequest("POST", "/v1/payments", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+secret)
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 201 {
					b.Fatalf("sale: %d %s", w.Code, w.Body)
				}
			}
		})
		saleNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	noop := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }
	for name, authz := range map[string]string{
		"secret_key":   "Bearer " + secret,
		"oauth_token":  "Bearer " + tok.Token,
		"basic_key":    basicAuth(m.ID, secret),
		"person_basic": basicAuth("owner@bench.test", "correct horse battery"),
	} {
		b.Run("guard/"+name, func(b *testing.B) {
			h := s.guard(auth.Need{Scope: auth.ScopePaymentsWrite, Perm: auth.PermCreatePayments}, noop)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("POST", "/v1/payments", nil)
					req.Header.Set("Authorization", authz)
					w := httptest.NewRecorder()
					h(w, req)
					if w.Code != 204 {
						b.Fatalf("%s: %d %s", name, w.Code, w.Body)
					}
				}
			})
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if saleNs > 0 {
				b.ReportMetric(100*ns/saleNs, "%-of-sale")
			}
		})
	}
}

func mustActor(b *testing.B, e *engine.Engine, secret string) engine.Actor {
	a, err := e.Authenticate(context.Background(), secret)
	if err != nil {
		b.Fatal(err)
	}
	return a
}
