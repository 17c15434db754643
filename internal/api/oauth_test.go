package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/auth"
)

// clock is a settable time source for tests of expiry and delays.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// postForm posts an application/x-www-form-urlencoded body.
func (e *env) postForm(path string, v url.Values, headers ...string) resp {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer hr.Body.Close()
	return resp{status: hr.StatusCode, header: hr.Header, body: readAll(hr)}
}

func TestClientCredentialsTokensWorkUntilTheyExpireOrAreRevoked(t *testing.T) {
	clk := newClock()
	e := newEnvWith(t, quietLimits, clk.now)
	keyID, secret := e.newKey(e.key, `{"kind":"restricted","scopes":["payments:read","payments:write","refunds:write"]}`)

	// Credentials in the body.
	r := e.postForm("/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {keyID}, "client_secret": {secret}})
	if r.status != 200 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("token: %d %v %s", r.status, r.header, r.body)
	}
	tok := r.json(t)
	if tok["token_type"] != "Bearer" || tok["expires_in"].(float64) != 3600 || tok["refresh_token"] != nil ||
		tok["scope"] != "payments:read payments:write refunds:write" {
		t.Fatalf("token answer %v", tok)
	}
	access := tok["access_token"].(string)
	if r := e.do("GET", "/v1/balance", access, ""); r.status != 200 {
		t.Fatalf("using the token: %d %s", r.status, r.body)
	}

	// Credentials in a Basic header, with a narrower scope.
	r = e.postForm("/oauth/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"payments:read"}}, "Authorization", basic(keyID, secret))
	if r.status != 200 {
		t.Fatalf("token with Basic: %d %s", r.status, r.body)
	}
	readOnly := r.json(t)["access_token"].(string)
	payID := e.pay(saleBody(1000, "4242424242424242", "automatic"), 201)
	r = e.do("POST", "/v1/payments/"+payID+"/refunds", readOnly, `{"amount":100}`)
	wantProblem(t, r, 403, "insufficient_scope", "")
	if !strings.Contains(r.header.Get("WWW-Authenticate"), `error="insufficient_scope"`) {
		t.Fatalf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
	}
	if r := e.do("POST", "/v1/payments/"+payID+"/refunds", access, `{"amount":100}`); r.status != 201 {
		t.Fatalf("refund with the full token: %d %s", r.status, r.body)
	}

	// Expired: one second past expires_in.
	clk.advance(3601 * time.Second)
	time.Sleep(60 * time.Millisecond) // past the credential cache
	r = e.do("GET", "/v1/balance", access, "")
	wantProblem(t, r, 401, "invalid_token", "")
	if !strings.Contains(r.header.Get("WWW-Authenticate"), `Bearer realm="paygate", error="invalid_token"`) {
		t.Fatalf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
	}

	// Revoked (RFC 7009): 200, then refused at once; unknown tokens also 200.
	fresh := e.postForm("/oauth/token", url.Values{"grant_type": {"client_credentials"}}, "Authorization", basic(keyID, secret)).json(t)["access_token"].(string)
	if r := e.do("GET", "/v1/balance", fresh, ""); r.status != 200 {
		t.Fatalf("fresh token: %d", r.status)
	}
	if r := e.postForm("/oauth/revoke", url.Values{"token": {fresh}}, "Authorization", basic(keyID, secret)); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("GET", "/v1/balance", fresh, ""), 401, "invalid_token", "")
	if r := e.postForm("/oauth/revoke", url.Values{"token": {"at_unknownunknownunknown"}}, "Authorization", basic(keyID, secret)); r.status != 200 {
		t.Fatalf("revoking an unknown token: %d", r.status)
	}

	// A token dies with its key.
	last := e.postForm("/oauth/token", url.Values{"grant_type": {"client_credentials"}}, "Authorization", basic(keyID, secret)).json(t)["access_token"].(string)
	if r := e.do("POST", "/v1/api-keys/"+keyID+"/revoke", e.key, ""); r.status != 200 {
		t.Fatalf("revoke key: %d", r.status)
	}
	wantProblem(t, e.do("GET", "/v1/balance", last, ""), 401, "invalid_token", "")
	wantProblem(t, e.do("GET", "/v1/balance", "at_"+strings.Repeat("x", 40), ""), 401, "invalid_token", "")
}

func TestTokenEndpointErrorsFollowRFC6749(t *testing.T) {
	e := newEnv(t)
	keyID, secret := e.newKey(e.key, `{"kind":"restricted","scopes":["payments:read"]}`)
	_, pk := e.newKey(e.key, `{"kind":"publishable"}`)
	e.newUser("owner@a.test", "owner")
	cases := []struct {
		name   string
		form   url.Values
		header []string
		status int
		err    string
	}{
		{"password grant is refused", url.Values{"grant_type": {"password"}, "username": {"owner@a.test"}, "password": {"wrong password here"}}, nil, 400, "unsupported_grant_type"},
		{"authorization code is not offered", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, nil, 400, "unsupported_grant_type"},
		{"no grant type", url.Values{"client_id": {keyID}}, nil, 400, "invalid_request"},
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {keyID}, "client_secret": {"rk_test_wrongwrongwrongwrongwrong"}}, nil, 401, "invalid_client"},
		{"secret of another key id", url.Values{"grant_type": {"client_credentials"}, "client_id": {e.keyID}, "client_secret": {secret}}, nil, 401, "invalid_client"},
		{"publishable keys are not confidential clients", url.Values{"grant_type": {"client_credentials"}, "client_id": {keyID}, "client_secret": {pk}}, nil, 401, "invalid_client"},
		{"scope beyond the key", url.Values{"grant_type": {"client_credentials"}, "client_id": {keyID}, "client_secret": {secret}, "scope": {"refunds:write"}}, nil, 400, "invalid_scope"},
		{"unknown scope", url.Values{"grant_type": {"client_credentials"}, "client_id": {keyID}, "client_secret": {secret}, "scope": {"admin"}}, nil, 400, "invalid_scope"},
		{"credentials twice", url.Values{"grant_type": {"client_credentials"}, "client_secret": {secret}}, []string{"Authorization", basic(keyID, secret)}, 400, "invalid_request"},
		{"repeated parameter", url.Values{"grant_type": {"client_credentials", "client_credentials"}, "client_id": {keyID}, "client_secret": {secret}}, nil, 400, "invalid_request"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.postForm("/oauth/token", c.form, c.header...)
			if r.status != c.status || r.json(t)["error"] != c.err {
				t.Fatalf("%d %s, want %d %s", r.status, r.body, c.status, c.err)
			}
		})
	}
	// JSON bodies are not form posts.
	r := e.do("POST", "/oauth/token", "", `{"grant_type":"client_credentials"}`)
	if r.status != 400 || r.json(t)["error"] != "invalid_request" {
		t.Fatalf("JSON body: %d %s", r.status, r.body)
	}
	// The password grant looked up nobody: no failed sign-in was audited.
	events := e.do("GET", "/v1/audit-events?action=login.failed", e.live, "").json(t)["data"].([]any)
	if len(events) != 0 {
		t.Fatalf("the password grant touched the user store: %v", events)
	}
}

var _ = http.StatusOK
var _ = auth.TokenPrefix
