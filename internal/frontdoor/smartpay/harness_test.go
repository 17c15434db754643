package smartpay_test

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
	"testing"
	"time"

	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/smartpay"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/redact"
	"github.com/paygate/paygate/internal/store/sqlite"
	"github.com/paygate/paygate/internal/vault"
	"github.com/paygate/paygate/internal/web"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// gateway is a whole paygate on SQLite with the sandbox processor: the
// native API, the hosted pages and the SmartPay door on one listener, and
// one merchant with a secret key.
type gateway struct {
	t        *testing.T
	url      string
	eng      *engine.Engine
	actor    engine.Actor
	merchant string
	keyID    string
	sk       string
	logs     *lockedBuffer
}

// gatewayOptions change how newGateway wires the engine and the door.
type gatewayOptions struct {
	now    func() time.Time
	settle time.Duration
}

// withClock runs the engine and the door on clk.
func withClock(clk *clock) func(*gatewayOptions) {
	return func(o *gatewayOptions) { o.now = clk.Now }
}

// withSettleAfter sets the door's SettleAfter.
func withSettleAfter(d time.Duration) func(*gatewayOptions) {
	return func(o *gatewayOptions) { o.settle = d }
}

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func newGateway(t *testing.T, opts ...func(*gatewayOptions)) *gateway {
	t.Helper()
	var o gatewayOptions
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gateway{t: t, url: "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), logs: &lockedBuffer{}}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pg.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(redact.NewHandler(slog.NewJSONHandler(g.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	g.eng, err = engine.New(engine.Config{Store: st, Keyring: vault.Ephemeral(), PublicURL: g.url, Logger: log, PasswordParams: &auth.TestPasswordParams, RenderEvent: api.RenderEvent, Now: o.now,
		Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: sandbox.New(sandbox.Options{BaseURL: g.url, Now: o.now})}})
	if err != nil {
		t.Fatal(err)
	}
	door := smartpay.New(smartpay.Config{Engine: g.eng, Logger: log, PublicURL: g.url, SettleAfter: o.settle, Now: o.now})
	g.eng.RegisterDoor(smartpay.Door, door)
	quiet := api.RateLimits{FreeFailures: 1 << 20, BackoffBase: time.Second, BackoffMax: time.Minute}
	pages := web.New(web.Config{Engine: g.eng, Logger: log})
	srv := api.New(api.Config{Engine: g.eng, Logger: log, RateLimits: &quiet, Pages: pages.Handler(), PagePrefixes: web.Prefixes,
		Doors: map[string]http.Handler{smartpay.Prefix: door.Handler()}})
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	m, sk, err := g.eng.CreateMerchant(ctx, "Example Shop")
	if err != nil {
		t.Fatal(err)
	}
	g.merchant, g.sk = m.ID, sk
	g.actor = engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
	keys, err := g.eng.ListKeys(ctx, g.actor)
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys: %v", err)
	}
	for _, k := range keys {
		if k.Kind == auth.SecretKey {
			g.keyID = k.ID
		}
	}
	return g
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer is not a JSON object: %d %q", r.status, r.body)
	}
	return m
}

// basic is SmartPay's Basic header: merchantKey (the merchant id) and the
// authentication key (the secret key).
func (g *gateway) basic() string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(g.merchant, g.sk)
	return r.Header.Get("Authorization")
}

// call sends a SmartPay request with the vendor's required headers.
func (g *gateway) call(method, path, authz, body string) resp {
	g.t.Helper()
	req, _ := http.NewRequest(method, g.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "en-US")
	req.Header.Set("Origin", "https://shop.example")
	req.Header.Set("User-Agent", "shop/1.0")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer hr.Body.Close()
	b, _ := io.ReadAll(hr.Body)
	return resp{status: hr.StatusCode, header: hr.Header, body: b}
}

// oauthToken gets a client-credentials token from paygate's /oauth/token
// with the form SmartPay's token endpoint takes.
func (g *gateway) oauthToken() string {
	g.t.Helper()
	form := url.Values{"client_id": {g.keyID}, "client_secret": {g.sk}, "grant_type": {"client_credentials"}}
	hr, err := http.PostForm(g.url+"/oauth/token", form)
	if err != nil {
		g.t.Fatal(err)
	}
	defer hr.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	json.NewDecoder(hr.Body).Decode(&tok)
	if hr.StatusCode != 200 || tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.ExpiresIn != 3600 {
		g.t.Fatalf("token: %d %+v", hr.StatusCode, tok)
	}
	return tok.AccessToken
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// payOnHostedPage pays a checkout token on paygate's hosted page as the
// widget's frame does, and returns where the page sent the payer.
func (g *gateway) payOnHostedPage(token, number string) string {
	g.t.Helper()
	status, loc := g.submitCard(token, number)
	if status != http.StatusSeeOther && status != http.StatusFound {
		g.t.Fatalf("paying: %d", status)
	}
	return loc
}

// submitCard posts a card on the hosted page and returns the page's answer
// status and where it sends the payer, if anywhere.
func (g *gateway) submitCard(token, number string) (int, string) {
	g.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	hr, err := client.Get(g.url + "/checkout/" + token)
	if err != nil {
		g.t.Fatal(err)
	}
	page, _ := io.ReadAll(hr.Body)
	hr.Body.Close()
	m := csrfField.FindStringSubmatch(string(page))
	if hr.StatusCode != 200 || m == nil {
		g.t.Fatalf("hosted page: %d", hr.StatusCode)
	}
	form := url.Values{"csrf": {m[1]}, "number": {number}, "expiry": {"12/31"}, "cvc": {"123"}, "holder": {"Ana Pay"}}
	req, _ := http.NewRequest("POST", g.url+"/checkout/"+token, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", g.url)
	hr, err = client.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	hr.Body.Close()
	return hr.StatusCode, hr.Header.Get("Location")
}

// hook collects the webhooks sent to a notification URL.
type hook struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
}

func newHook(t *testing.T) *hook {
	h := &hook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		h.mu.Lock()
		h.bodies = append(h.bodies, m)
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) got() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]map[string]any(nil), h.bodies...)
}
