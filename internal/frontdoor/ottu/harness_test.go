package ottu_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/ottu"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/sqlite"
	"github.com/paygate/paygate/internal/vault"
	"github.com/paygate/paygate/internal/web"
)

// gateway is engine + native API + hosted pages + the Ottu door on one
// listener, on SQLite with the sandbox processor.
type gateway struct {
	t     *testing.T
	url   string
	eng   *engine.Engine
	actor engine.Actor
	sk    string
}

func newGateway(t *testing.T) *gateway {
	t.Helper()
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gateway{t: t, url: "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pg.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	g.eng, err = engine.New(engine.Config{Store: st, Keyring: vault.Ephemeral(), PublicURL: g.url, Logger: log, RenderEvent: api.RenderEvent,
		Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: sandbox.New(sandbox.Options{BaseURL: g.url})}})
	if err != nil {
		t.Fatal(err)
	}
	g.eng.RegisterDoor(ottu.Door, &ottu.Notifier{Engine: g.eng})
	od := ottu.New(ottu.Config{Engine: g.eng, Logger: log, PublicURL: g.url})
	door := od.Handler()
	doors := map[string]http.Handler{}
	for _, p := range ottu.Prefixes {
		doors[p] = door
	}
	pages := web.New(web.Config{Engine: g.eng, Logger: log})
	srv := api.New(api.Config{Engine: g.eng, Logger: log, Pages: pages.Handler(), PagePrefixes: web.Prefixes, Doors: doors})
	od.UsePasswords(ottu.PasswordChecker(srv.PasswordChecker())) // as cmd/paygate wires it
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	m, sk, err := g.eng.CreateMerchant(ctx, "Shop KW")
	if err != nil {
		t.Fatal(err)
	}
	g.sk, g.actor = sk, engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
	str := func(s string) *string { return &s }
	yes := true
	if _, err := g.eng.CreateConfig(ctx, g.actor, engine.ConfigInput{Code: str("knet"), NameEN: str("KNET"), Connector: str("sandbox"),
		Environment: str("sandbox"), AcceptedCurrencies: &[]string{"KWD", "USD"}, DefaultCurrency: str("KWD"), Operation: str("purchase"),
		Tokenizable: &yes, AutoDebit: &yes, Enabled: &yes}); err != nil {
		t.Fatal(err)
	}
	return g
}

type resp struct {
	status int
	header http.Header
	body   string
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("not a JSON object: %d %s", r.status, r.body)
	}
	return m
}

// call sends JSON with Ottu's Api-Key header (headers are name/value pairs, overriding).
func (g *gateway) call(method, path, body string, headers ...string) resp {
	g.t.Helper()
	req, _ := http.NewRequest(method, g.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Api-Key "+g.sk)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(g.t, req)
}

func do(t *testing.T, req *http.Request) resp {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 20 * time.Second}
	hr, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer hr.Body.Close()
	b, _ := io.ReadAll(hr.Body)
	return resp{hr.StatusCode, hr.Header, string(b)}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// pay opens the hosted page and pays with number; it returns the page's answer.
func (g *gateway) pay(checkoutURL, number string) resp {
	g.t.Helper()
	req, _ := http.NewRequest("GET", checkoutURL, nil)
	page := do(g.t, req)
	m := csrfField.FindStringSubmatch(page.body)
	if page.status != 200 || m == nil {
		g.t.Fatalf("checkout page: %d %s", page.status, page.body)
	}
	form := url.Values{"csrf": {m[1]}, "number": {number}, "expiry": {"12/31"}, "cvc": {"123"}, "holder": {"Ana"}}
	req, _ = http.NewRequest("POST", checkoutURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", g.url)
	return do(g.t, req)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
