package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/paygate/paygate/examples/merchant/shop"
	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/redact"
	"github.com/paygate/paygate/internal/store/postgres"
	"github.com/paygate/paygate/internal/store/sqlite"
	"github.com/paygate/paygate/internal/vault"
	"github.com/paygate/paygate/internal/web"
)

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

// gateway is a whole paygate (API and pages) on http://localhost:PORT, and
// the example shop on http://127.0.0.1:PORT: another site, as a real
// merchant's would be.
type gateway struct {
	t      *testing.T
	url    string
	eng    *engine.Engine
	sk, pk string
	// merchant is the id of the merchant whose keys sk and pk are.
	merchant string
	// store and keyring are the gateway's, for tests that look under the vault.
	store   engine.Store
	keyring *vault.Keyring
	logs    *lockedBuffer
	dir     string
	shop    string
	// seen collects every request body the shop's server received.
	seenMu sync.Mutex
	seen   map[string][]string
}

func newGateway(t *testing.T) *gateway { return newGatewayWith(t, nil, "") }

// newGatewayAt is newGateway with a clock (nil: time.Now).
func newGatewayAt(t *testing.T, now func() time.Time) *gateway { return newGatewayWith(t, now, "") }

// newGatewayWith is newGateway with a clock and, when postgresURL is set, a
// PostgreSQL store instead of SQLite files in g.dir.
func newGatewayWith(t *testing.T, now func() time.Time, postgresURL string) *gateway {
	t.Helper()
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gateway{t: t, url: "http://localhost:" + portOf(ln.Addr()), logs: &lockedBuffer{}, dir: t.TempDir(), seen: map[string][]string{}}
	var st engine.Store
	if postgresURL != "" {
		st, err = postgres.Open(ctx, postgresURL, postgres.Options{Migrate: true})
	} else {
		st, err = sqlite.Open(ctx, filepath.Join(g.dir, "pg.db"), sqlite.Options{Migrate: true})
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(redact.NewHandler(slog.NewJSONHandler(g.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	g.store, g.keyring = st, vault.Ephemeral()
	g.eng, err = engine.New(engine.Config{Store: st, Keyring: g.keyring, PublicURL: g.url, Logger: log, Now: now,
		Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: sandbox.New(sandbox.Options{BaseURL: g.url})}})
	if err != nil {
		t.Fatal(err)
	}
	quiet := api.RateLimits{FreeFailures: 1 << 20, BackoffBase: time.Second, BackoffMax: time.Minute}
	pages := web.New(web.Config{Engine: g.eng, Logger: log})
	pz := paymentz.New(paymentz.Config{Engine: g.eng, Logger: log, PublicURL: g.url})
	g.eng.RegisterDoor(paymentz.Door, pz)
	srv := api.New(api.Config{Engine: g.eng, Logger: log, RateLimits: &quiet, Pages: pages.Handler(), PagePrefixes: web.Prefixes,
		Doors: map[string]http.Handler{paymentz.Prefix: pz.Handler()}})
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })

	m, sk, err := g.eng.CreateMerchant(ctx, "Example Shop")
	if err != nil {
		t.Fatal(err)
	}
	g.sk, g.merchant = sk, m.ID
	_, g.pk, err = g.eng.CreateKey(ctx, engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}, engine.CreateKeyInput{Kind: "publishable"})
	if err != nil {
		t.Fatal(err)
	}
	sh := httptest.NewServer(shop.New(shop.Config{PaygateURL: g.url, SecretKey: g.sk, PublishableKey: g.pk,
		Seen: func(path string, body []byte) {
			g.seenMu.Lock()
			g.seen[path] = append(g.seen[path], string(body))
			g.seenMu.Unlock()
		}}))
	t.Cleanup(sh.Close)
	g.shop = sh.URL
	return g
}

func portOf(a net.Addr) string { return strconv.Itoa(a.(*net.TCPAddr).Port) }

// api calls paygate's API with the secret key.
func (g *gateway) api(method, path, body string) map[string]any {
	g.t.Helper()
	return g.apiWith(g.sk, method, path, body)
}

// apiWith calls paygate's API with a key.
func (g *gateway) apiWith(key, method, path, body string) map[string]any {
	g.t.Helper()
	req, _ := http.NewRequest(method, g.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		g.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return m
}

// session creates a checkout session and returns its id and page URL.
func (g *gateway) session(body string) (id, url string) {
	g.t.Helper()
	m := g.api("POST", "/v1/checkout/sessions", body)
	if m["url"] == nil {
		g.t.Fatalf("checkout session: %v", m)
	}
	return m["id"].(string), m["url"].(string)
}

// browser starts headless Chromium for one test. Without Chromium the test
// is skipped, unless PAYGATE_REQUIRE_BROWSER is set (CI sets it), when it
// fails. A failing test saves a screenshot of the page it was on.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("PAYGATE_REQUIRE_BROWSER") != "" {
			t.Fatal("PAYGATE_REQUIRE_BROWSER is set but chromium is not installed (apt-get install chromium)")
		}
		t.Skip("chromium not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		// Keep cross-origin frames in the page's process so the test can type
		// into them; the same-origin policy is unchanged.
		chromedp.Flag("disable-site-isolation-trials", true), chromedp.Flag("disable-features", "IsolateOrigins,site-per-process"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			if png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)); err == nil {
				dir := os.Getenv("PAYGATE_SCREENSHOT_DIR")
				if dir == "" {
					dir = filepath.Join(os.TempDir(), "paygate-screenshots")
				}
				os.MkdirAll(dir, 0o755)
				f := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".png")
				if os.WriteFile(f, png, 0o644) == nil {
					t.Logf("screenshot of the failing page: %s", f)
				}
			}
			cancel()
		}
		cancelB()
		cancelA()
	})
	return ctx
}

// stepTimeout bounds one browser call: a missing element fails the test
// instead of hanging it.
const stepTimeout = 20 * time.Second

// do runs browser steps, failing the test with the page it was on.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("browser: %v\n%s", err, where(ctx))
	}
}

// get runs one browser action and returns its value.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("browser: %v\n%s", err, where(ctx))
	}
	return v
}

// where describes the page a failed step was on.
func where(ctx context.Context) string {
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u, _ := chromedp.Run(wctx, chromedp.Location())
	body, _ := chromedp.Run(wctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(body) > 600 {
		body = body[:600]
	}
	return "at " + u + ":\n" + body
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return get(t, ctx, chromedp.Text(chromedp.CSS(sel)))
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	return get(t, ctx, chromedp.Evaluate[T](js))
}

// waitFor polls until the current document has loaded and holds an element
// matching sel. It asks the page afresh each time, so it is safe right after
// a click that navigates (a query started on the old page would hold on to
// a node that no longer exists).
func waitFor(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	js := fmt.Sprintf(`document.readyState === "complete" && !!document.querySelector(%q)`, sel)
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(sctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("browser: no %s\n%s", sel, where(ctx))
}
