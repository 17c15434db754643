package api_test

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/auth"
)

// browser is a client with a cookie jar, as a dashboard page would be.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar}}
}

func (b *browser) do(method, path, body string, headers ...string) resp {
	b.e.t.Helper()
	req, _ := http.NewRequest(method, b.e.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	hr, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer hr.Body.Close()
	return resp{status: hr.StatusCode, header: hr.Header, body: readAll(hr)}
}

func (b *browser) login(email, password, totp string) resp {
	b.e.t.Helper()
	r := b.do("POST", "/dashboard/login", `{"email":"`+email+`","password":"`+password+`","totp":"`+totp+`"}`)
	if r.status == 200 {
		b.csrf = r.json(b.e.t)["csrf_token"].(string)
	}
	return r
}

func TestDashboardSessionsUseSecureCookiesCSRFAndTOTP(t *testing.T) {
	clk := newClock()
	e := newEnvWith(t, quietLimits, clk.now)
	e.newUser("owner@a.test", "owner")
	b := e.browser()
	// The cookie jar refuses Secure cookies over plain http, so read the
	// header and send the cookie by hand.
	r := b.login("Owner@A.test", userPassword, "")
	if r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	set := r.header.Get("Set-Cookie")
	for _, want := range []string{"__Host-paygate_session=ses_", "Path=/", "HttpOnly", "Secure", "SameSite=Strict"} {
		if !strings.Contains(set, want) {
			t.Fatalf("Set-Cookie %q lacks %q", set, want)
		}
	}
	cookie := strings.SplitN(set, ";", 2)[0]
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatal("the login answer may be cached")
	}
	if r := b.do("GET", "/dashboard/session", "", "Cookie", cookie); r.status != 200 || r.json(t)["user"].(map[string]any)["email"] != "owner@a.test" {
		t.Fatalf("session: %d %s", r.status, r.body)
	}
	// The session acts on the API too, limited by the person's permissions.
	if r := b.do("GET", "/v1/balance", "", "Cookie", cookie); r.status != 200 {
		t.Fatalf("API with the session: %d %s", r.status, r.body)
	}
	// Unsafe requests need the CSRF token and this origin.
	wantProblem(t, b.do("POST", "/dashboard/totp/setup", "{}", "Cookie", cookie), 403, "csrf_failed", "")
	wantProblem(t, b.do("POST", "/dashboard/totp/setup", "{}", "Cookie", cookie, "X-CSRF-Token", "forged"), 403, "csrf_failed", "")
	wantProblem(t, b.do("POST", "/dashboard/totp/setup", "{}", "Cookie", cookie, "X-CSRF-Token", b.csrf, "Origin", "https://evil.test"), 403, "csrf_failed", "")
	wantProblem(t, b.do("POST", "/v1/api-keys", `{"kind":"secret"}`, "Cookie", cookie), 403, "csrf_failed", "")

	// Basic with the password works (and is cached) before the second factor.
	if r := e.as(basic("owner@a.test", userPassword), "GET", "/v1/payments", "", "Paygate-Mode", "live"); r.status != 200 {
		t.Fatalf("Basic before two-factor: %d %s", r.status, r.body)
	}
	// Second factor: set up, prove a code, then required at sign-in.
	r = b.do("POST", "/dashboard/totp/setup", "{}", "Cookie", cookie, "X-CSRF-Token", b.csrf)
	if r.status != 200 || !strings.HasPrefix(r.json(t)["otpauth_uri"].(string), "otpauth://totp/paygate:") {
		t.Fatalf("totp setup: %d %s", r.status, r.body)
	}
	secret := r.json(t)["secret"].(string)
	wantProblem(t, b.do("POST", "/dashboard/totp/enable", `{"code":"000000"}`, "Cookie", cookie, "X-CSRF-Token", b.csrf), 400, "invalid_totp", "code")
	code, _ := auth.TOTPCode(secret, clk.now())
	if r := b.do("POST", "/dashboard/totp/enable", `{"code":"`+code+`"}`, "Cookie", cookie, "X-CSRF-Token", b.csrf); r.status != 200 {
		t.Fatalf("totp enable: %d %s", r.status, r.body)
	}
	wantProblem(t, e.browser().login("owner@a.test", userPassword, ""), 401, "totp_required", "")
	// A password alone no longer reaches the API either, cached or not; a
	// wrong one learns nothing about the second factor.
	wantProblem(t, e.as(basic("owner@a.test", userPassword), "GET", "/v1/payments", "", "Paygate-Mode", "live"), 403, "two_factor_enabled", "")
	wantProblem(t, e.as(basic("owner@a.test", "not the password"), "GET", "/v1/payments", "", "Paygate-Mode", "live"), 401, "invalid_credentials", "")
	wantProblem(t, e.browser().login("owner@a.test", userPassword, "123456"), 401, "invalid_totp", "")
	clk.advance(30 * time.Second)
	code, _ = auth.TOTPCode(secret, clk.now())
	if r := e.browser().login("owner@a.test", userPassword, code); r.status != 200 {
		t.Fatalf("login with a code: %d %s", r.status, r.body)
	}
	// A code signs in once (RFC 6238 §5.2): replaying an observed code
	// within its window is refused, and so is an earlier step's code.
	wantProblem(t, e.browser().login("owner@a.test", userPassword, code), 401, "invalid_totp", "")
	earlier, _ := auth.TOTPCode(secret, clk.now().Add(-30*time.Second))
	wantProblem(t, e.browser().login("owner@a.test", userPassword, earlier), 401, "invalid_totp", "")

	// Logout ends the session at once.
	if r := b.do("POST", "/dashboard/logout", "", "Cookie", cookie, "X-CSRF-Token", b.csrf); r.status != 204 {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	wantProblem(t, b.do("GET", "/dashboard/session", "", "Cookie", cookie), 401, "invalid_session", "")
	// Sessions expire.
	b2 := e.browser()
	clk.advance(30 * time.Second)
	code, _ = auth.TOTPCode(secret, clk.now())
	r = b2.login("owner@a.test", userPassword, code)
	cookie2 := strings.SplitN(r.header.Get("Set-Cookie"), ";", 2)[0]
	clk.advance(13 * time.Hour)
	time.Sleep(60 * time.Millisecond)
	wantProblem(t, b2.do("GET", "/dashboard/session", "", "Cookie", cookie2), 401, "invalid_session", "")
	wantProblem(t, e.browser().login("owner@a.test", "not the password", ""), 401, "invalid_credentials", "")
}
