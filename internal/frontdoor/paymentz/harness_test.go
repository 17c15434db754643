package paymentz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/redact"
	"github.com/paygate/paygate/internal/store/sqlite"
	"github.com/paygate/paygate/internal/vault"
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

// env is the door over HTTP in front of a real engine on SQLite with the
// sandbox processor, and one merchant holding a Paymentz credential.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	engine *engine.Engine
	actor  engine.Actor
	member string
	key    string
	logs   *lockedBuffer
	clock  *clock
}

type clock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.d) }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.d += d
	c.mu.Unlock()
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pz.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	log := slog.New(redact.NewHandler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	clk := &clock{}
	eng, err := engine.New(engine.Config{Store: st, Logger: log, PasswordParams: &auth.TestPasswordParams, Keyring: vault.Ephemeral(),
		PublicURL: "http://pg.test", Now: clk.now,
		Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: sandbox.New(sandbox.Options{BaseURL: "http://pg.test"})}})
	if err != nil {
		t.Fatal(err)
	}
	door := paymentz.New(paymentz.Config{Engine: eng, Logger: log, Now: clk.now})
	srv := httptest.NewServer(door.Handler())
	t.Cleanup(func() { srv.Close(); st.Close() })
	m, _, err := eng.CreateMerchant(ctx, "Shop A")
	if err != nil {
		t.Fatal(err)
	}
	a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
	cred, key, err := eng.CreateDoorCredential(ctx, a, paymentz.Door, engine.DoorCredentialOptions{Username: "shop-a", PartnerID: "7"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, engine: eng, actor: a, member: strconv.FormatInt(cred.MemberID, 10), key: key, logs: logs, clock: clk}
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
		t.Fatalf("answer is not a JSON object: %q", r.body)
	}
	return m
}

// code returns result.code of a JSON answer.
func (r resp) code(t *testing.T) string {
	t.Helper()
	res, _ := r.json(t)["result"].(map[string]any)
	c, _ := res["code"].(string)
	return c
}

// post sends a form body; headers are name/value pairs.
func (e *env) post(path string, form url.Values, headers ...string) resp {
	return e.send(path, "application/x-www-form-urlencoded", form.Encode(), headers...)
}

func (e *env) send(path, contentType, body string, headers ...string) resp {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/transactionServices/REST/v1"+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer hr.Body.Close()
	b, _ := io.ReadAll(hr.Body)
	return resp{status: hr.StatusCode, header: hr.Header, body: b}
}

// token logs in by member id and returns the AuthToken.
func (e *env) token() string {
	e.t.Helper()
	r := e.post("/authToken", url.Values{"authentication.memberId": {e.member}, "authentication.sKey": {e.key}, "authentication.partnerId": {"7"}})
	if r.status != 200 || r.code(e.t) != "200" {
		e.t.Fatalf("authToken: %d %s", r.status, r.body)
	}
	return r.json(e.t)["AuthToken"].(string)
}

// sale builds a signed /payments form.
func (e *env) sale(typ, mtid, amount, currency, number string) url.Values {
	return url.Values{
		"authentication.memberId": {e.member}, "authentication.checksum": {paymentz.PaymentChecksum(e.member, e.key, mtid, amount)},
		"paymentType": {typ}, "paymentMode": {"CC"}, "merchantTransactionId": {mtid}, "amount": {amount}, "currency": {currency},
		"card.number": {number}, "card.expiryMonth": {"12"}, "card.expiryYear": {"2030"}, "card.cvv": {"123"}, "card.holder": {"Jane Doe"},
		"merchantRedirectUrl": {"https://shop.example/return"},
	}
}

// pay posts a sale and returns its JSON answer, failing unless status 200.
func (e *env) pay(token string, form url.Values) map[string]any {
	e.t.Helper()
	r := e.post("/payments", form, "AuthToken", token)
	if r.status != 200 {
		e.t.Fatalf("payments: %d %s", r.status, r.body)
	}
	return r.json(e.t)
}
