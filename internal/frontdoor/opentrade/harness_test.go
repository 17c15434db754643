package opentrade_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
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
	"github.com/paygate/paygate/internal/frontdoor/opentrade"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/redact"
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

// gateway is a whole paygate (native API, hosted pages and the OpenTrade
// door, wired as cmd/paygate wires them) on a real engine on SQLite with
// the sandbox processor, and one merchant holding an OpenTrade payment
// secret.
type gateway struct {
	t        *testing.T
	url      string
	eng      *engine.Engine
	notifier *opentrade.Notifier
	actor    engine.Actor
	sk       string // the merchant's native secret key
	member   int64
	secret   string // the payment secret
	logs     *lockedBuffer
}

// newGateway starts the gateway; now, when given, is the engine's clock.
func newGateway(t *testing.T, now ...func() time.Time) *gateway {
	t.Helper()
	var clock func() time.Time
	if len(now) > 0 {
		clock = now[0]
	}
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gateway{t: t, url: "http://" + ln.Addr().String(), logs: &lockedBuffer{}}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ot.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(redact.NewHandler(slog.NewJSONHandler(g.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	g.notifier = opentrade.NewNotifier(nil)
	g.eng, err = engine.New(engine.Config{Store: st, Logger: log, PasswordParams: &auth.TestPasswordParams, Keyring: vault.Ephemeral(),
		PublicURL: g.url, RenderEvent: api.RenderEvent, Now: clock, Doors: map[string]engine.DoorNotifier{opentrade.Door: g.notifier},
		Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: sandbox.New(sandbox.Options{BaseURL: g.url})}})
	if err != nil {
		t.Fatal(err)
	}
	g.notifier.Bind(g.eng)
	pages := web.New(web.Config{Engine: g.eng, Logger: log})
	quiet := api.RateLimits{FreeFailures: 1 << 20, BackoffBase: time.Second, BackoffMax: time.Minute}
	door := opentrade.New(opentrade.Config{Engine: g.eng, Logger: log, PublicURL: g.url})
	srv := api.New(api.Config{Engine: g.eng, Logger: log, RateLimits: &quiet, Pages: pages.Handler(), PagePrefixes: web.Prefixes,
		Doors: map[string]http.Handler{opentrade.Prefix: door.Handler()}})
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })

	m, sk, err := g.eng.CreateMerchant(ctx, "Top-up Shop")
	if err != nil {
		t.Fatal(err)
	}
	g.sk, g.actor = sk, engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
	cred, secret, err := g.eng.CreateDoorCredential(ctx, g.actor, opentrade.Door, engine.DoorCredentialOptions{Username: "topup"})
	if err != nil {
		t.Fatal(err)
	}
	g.member, g.secret = cred.MemberID, secret
	return g
}

// fetch sends a request without following redirects; form goes in the
// body for POST and in the query for GET. Headers are name/value pairs.
func fetch(t *testing.T, method, u string, form url.Values, headers ...string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil && method == "POST" {
		body = strings.NewReader(form.Encode())
	} else if form != nil {
		u += "?" + form.Encode()
	}
	req, _ := http.NewRequest(method, u, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// paymentForm asks for a PaymentFormAnswer with the member id and secret.
func (g *gateway) paymentForm(user, secret string, form url.Values) (int, *opentrade.PaymentFormAnswer, string) {
	g.t.Helper()
	req, _ := http.NewRequest("POST", g.url+opentrade.Prefix+"payment-form", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var a opentrade.PaymentFormAnswer
	if err := xml.Unmarshal(b, &a); err != nil {
		g.t.Fatalf("answer is not a PaymentFormAnswer: %d %s", resp.StatusCode, b)
	}
	return resp.StatusCode, &a, string(b)
}

func (g *gateway) memberID() string { return strconv.FormatInt(g.member, 10) }

// sessions counts the merchant's checkout sessions.
func (g *gateway) sessions() int {
	g.t.Helper()
	ss, err := g.eng.ListCheckoutSessions(context.Background(), g.actor, "", 100)
	if err != nil {
		g.t.Fatal(err)
	}
	return len(ss)
}
