package dashboard_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/dashboard"
	"github.com/paygate/paygate/internal/delivery"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/ratelimit"
	"github.com/paygate/paygate/internal/store/sqlite"
	"github.com/paygate/paygate/internal/vault"
	"github.com/paygate/paygate/internal/web"
)

// env is a whole paygate (API, pages, dashboard) on http://localhost:PORT,
// wired as cmd/paygate wires it, with a merchant, a webhook receiver and
// team members of several roles.
type env struct {
	t        *testing.T
	url      string
	eng      *engine.Engine
	merchant string
	sk       string
	hooks    atomic.Int64
	logs     *logLines
}

const password = "correct horse battery staple"

func newEnv(t *testing.T) *env { return newEnvLimits(t, false) }

// newEnvLimits with real is wired with cmd/paygate's default limits and its
// sign-in limiter shared between the API and the dashboard's form; else
// the API's failure limits are off (tests send many bad credentials).
func newEnvLimits(t *testing.T, real bool) *env {
	t.Helper()
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, url: "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pg.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.logs = &logLines{}
	log := slog.New(slog.NewTextHandler(testLog{t, e.logs}, nil))
	e.eng, err = engine.New(engine.Config{Store: st, Keyring: vault.Ephemeral(), PublicURL: e.url, Logger: log,
		Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: sandbox.New(sandbox.Options{BaseURL: e.url})}})
	if err != nil {
		t.Fatal(err)
	}
	limits := api.RateLimits{FreeFailures: 1 << 20, BackoffBase: time.Second, BackoffMax: time.Minute}
	var logins *ratelimit.Backoff
	if real {
		limits = api.DefaultRateLimits
		logins = api.NewLoginLimiter(&limits, nil)
	}
	pages := web.New(web.Config{Engine: e.eng, Logger: log})
	dash := dashboard.New(dashboard.Config{Engine: e.eng, Logger: log, Logins: logins})
	srv := api.New(api.Config{Engine: e.eng, Logger: log, RateLimits: &limits, Logins: logins, Pages: pages.Handler(), PagePrefixes: web.Prefixes,
		Doors: map[string]http.Handler{dashboard.Prefix: dash.Handler()}})
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })

	m, sk, err := e.eng.CreateMerchant(ctx, "Example Shop")
	if err != nil {
		t.Fatal(err)
	}
	e.merchant, e.sk = m.ID, sk
	system := engine.Actor{MerchantID: m.ID}
	for _, u := range []struct{ email, role string }{{"owner@shop.test", "owner"}, {"analyst@shop.test", "analyst"}, {"support@shop.test", "support"}} {
		if _, _, err := e.eng.CreateUser(ctx, system, engine.UserInput{Email: u.email, Name: u.role, Role: u.role, Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.hooks.Add(1) }))
	t.Cleanup(receiver.Close)
	e.api("POST", "/v1/webhook-endpoints", `{"url":"`+receiver.URL+`/hooks"}`)
	return e
}

// api calls the API with the merchant's secret key.
func (e *env) api(method, path, body string) map[string]any {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.sk)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || resp.StatusCode >= 300 {
		e.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return m
}

// pay makes a captured card payment and returns its id.
func (e *env) pay(amount int, number, reference string) string {
	e.t.Helper()
	b, _ := json.Marshal(map[string]any{"amount": amount, "currency": "USD", "reference": reference, "customer": "cus-" + reference,
		"payment_method": map[string]any{"type": "card", "card": map[string]any{"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123", "holder": "Jane Doe"}}})
	return e.api("POST", "/v1/payments", string(b))["id"].(string)
}

// dispatch fans events out to deliveries and sends them.
func (e *env) dispatch() {
	e.t.Helper()
	if _, err := e.eng.DispatchOnce(context.Background(), engine.DispatchConfig{Sender: delivery.New(5 * time.Second)}); err != nil {
		e.t.Fatal(err)
	}
}

// browserless is a person's HTTP client: Go's cookie jar will not send a
// Secure cookie over http, so it carries the session cookie itself.
type browserless struct {
	e       *env
	session string
	mode    string
	lang    string
}

type page struct {
	status int
	body   string
	header http.Header
}

func (p page) csrf(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%s", p.body)
	}
	return m[1]
}

// signIn posts the sign-in form and returns the person's client.
func (e *env) signIn(email string) *browserless {
	e.t.Helper()
	p := (&browserless{e: e}).post("/dashboard/sign-in", url.Values{"email": {email}, "password": {password}})
	if p.status != http.StatusSeeOther {
		e.t.Fatalf("sign in %s: %d\n%s", email, p.status, p.body)
	}
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == "__Host-paygate_session" {
			if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
				e.t.Fatalf("session cookie %+v", c)
			}
			return &browserless{e: e, session: c.Value}
		}
	}
	e.t.Fatalf("no session cookie: %v", p.header)
	return nil
}

func (b *browserless) do(method, path string, form url.Values, origin string) page {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.e.url+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if b.session != "" {
		req.AddCookie(&http.Cookie{Name: "__Host-paygate_session", Value: b.session})
	}
	if b.mode != "" {
		req.AddCookie(&http.Cookie{Name: "__Host-paygate_mode", Value: b.mode})
	}
	if b.lang != "" {
		req.AddCookie(&http.Cookie{Name: "__Host-paygate_lang", Value: b.lang})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, body: string(raw), header: resp.Header}
}

func (b *browserless) get(path string) page { return b.do("GET", path, nil, "") }

func (b *browserless) post(path string, form url.Values) page {
	return b.do("POST", path, form, b.e.url)
}

func regexpMust(re string) *regexp.Regexp { return regexp.MustCompile(re) }

// testLog sends the server's log to the test's.
// testLog passes the gateway's log lines to the test's log and keeps them
// for tests that check what was never logged.
type testLog struct {
	t    *testing.T
	kept *logLines
}

type logLines struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logLines) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	l.kept.mu.Lock()
	l.kept.b.Write(p)
	l.kept.mu.Unlock()
	return len(p), nil
}
