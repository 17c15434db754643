package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/paytrace"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/connector/stripe"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/redact"
	"github.com/paygate/paygate/internal/store/sqlite"
	"github.com/paygate/paygate/internal/vault"
	"github.com/prometheus/client_golang/prometheus"
)

// lockedBuffer collects log output from concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

type env struct {
	t      testing.TB
	srv    *httptest.Server
	engine *engine.Engine
	logs   *lockedBuffer
	key    string // sandbox secret key of merchant A
	other  string // sandbox secret key of merchant B
	live   string // live secret key of merchant A
	keyID  string
	mid    string
	api    *api.Server
	dir    string // holds the SQLite files
}

// quietLimits leave the limiters out of tests that are not about them.
var quietLimits = api.RateLimits{FreeFailures: 1 << 20, BackoffBase: time.Second, BackoffMax: time.Minute}

func newEnv(t testing.TB) *env { return newEnvWith(t, quietLimits, nil) }

// newEnvWith builds an env with rate limits and a clock (nil: time.Now).
func newEnvWith(t testing.TB, limits api.RateLimits, now func() time.Time) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "api.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	log := slog.New(redact.NewHandler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	reg := prometheus.NewRegistry()
	metrics := api.NewMetrics(reg)
	eng, err := engine.New(engine.Config{Store: st, Logger: log, Observer: metrics, ConnectorObserver: metrics, Now: now, PasswordParams: &auth.TestPasswordParams, Keyring: testKeyring, PublicURL: "http://pg.test", RenderEvent: api.RenderEvent,
		Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: sandbox.New(sandbox.Options{BaseURL: "http://pg.test"})},
		Factories:  map[string]connector.Factory{"paytrace": paytrace.Factory, "stripe": stripe.Factory}})
	if err != nil {
		t.Fatal(err)
	}
	a := api.New(api.Config{Engine: eng, Logger: log, Registry: reg, Metrics: metrics, AuthCacheTTL: 50 * time.Millisecond, RateLimits: &limits, Now: now})
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); st.Close() })
	m, key, err := eng.CreateMerchant(ctx, "Shop A")
	if err != nil {
		t.Fatal(err)
	}
	_, other, _ := eng.CreateMerchant(ctx, "Shop B")
	lk, live, _ := eng.CreateAPIKey(ctx, m.ID, payment.Live)
	keys, _ := st.ListAPIKeys(ctx, m.ID)
	var keyID string
	for _, k := range keys {
		if k.ID != lk.ID {
			keyID = k.ID
		}
	}
	return &env{t: t, srv: srv, engine: eng, logs: logs, key: key, other: other, live: live, keyID: keyID, mid: m.ID, api: a, dir: dir}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer is not a JSON object: %q", r.body)
	}
	return m
}

// do sends a request; headers are name/value pairs.
func (e *env) do(method, path, key, body string, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Add(headers[i], headers[i+1])
		}
	}
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer hr.Body.Close()
	b, _ := io.ReadAll(hr.Body)
	return resp{status: hr.StatusCode, header: hr.Header, body: b}
}

const visaSale = `{"amount":1099,"currency":"USD","reference":"order-1","payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvc":"123","holder":"Jane Doe"}}}`

func saleBody(amount int, number, capture string) string {
	b, _ := json.Marshal(map[string]any{"amount": amount, "currency": "EUR", "capture": capture,
		"payment_method": map[string]any{"type": "card", "card": map[string]any{"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}})
	return string(b)
}

// pay creates a payment and returns its id, failing on any other status.
func (e *env) pay(body string, want int) string {
	e.t.Helper()
	r := e.do("POST", "/v1/payments", e.key, body)
	if r.status != want {
		e.t.Fatalf("create payment: %d %s", r.status, r.body)
	}
	return r.json(e.t)["id"].(string)
}

func wantProblem(t *testing.T, r resp, status int, code, param string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q for %s", ct, r.body)
	}
	m := r.json(t)
	if m["code"] != code || (param != "" && m["param"] != param) || m["detail"] == "" || m["type"] == "" || int(m["status"].(float64)) != status {
		t.Fatalf("problem %s, want code %q param %q", r.body, code, param)
	}
}

func readAll(hr *http.Response) []byte {
	b, _ := io.ReadAll(hr.Body)
	return b
}

// testKeyring is one vault key for every engine of the test binary, so
// engines reopened on the same database can read what earlier ones sealed.
var testKeyring = vault.Ephemeral()
