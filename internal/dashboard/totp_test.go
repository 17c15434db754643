package dashboard_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/auth"
)

// json posts to one of the API's /dashboard/ JSON endpoints with the
// session cookie and its CSRF token, as the dashboard's own pages would.
func (b *browserless) json(path, body, csrf string) (int, map[string]any) {
	b.e.t.Helper()
	req, _ := http.NewRequest("POST", b.e.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	req.Header.Set("Origin", b.e.url)
	req.AddCookie(&http.Cookie{Name: "__Host-paygate_session", Value: b.session})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

// TestTOTPSignIn turns two-factor on for a person, then signs in: without
// a code the page asks for it, a wrong code is refused, the right one
// signs in.
func TestTOTPSignIn(t *testing.T) {
	e := newEnv(t)
	owner := e.signIn("owner@shop.test")
	csrf := owner.get("/dashboard/").csrf(t)
	st, setup := owner.json("/dashboard/totp/setup", `{}`, csrf)
	secret, _ := setup["secret"].(string)
	if st != 200 || secret == "" {
		t.Fatalf("totp setup: %d %v", st, setup)
	}
	now := func() string {
		c, err := auth.TOTPCode(secret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	enabledWith := now()
	if st, m := owner.json("/dashboard/totp/enable", `{"code":"`+enabledWith+`"}`, csrf); st != 200 || m["enabled"] != true {
		t.Fatalf("totp enable: %d %v", st, m)
	}
	if p := owner.get("/dashboard/team"); !strings.Contains(p.body, `<td data-label="Email">owner@shop.test</td>`) ||
		!regexpMust(`(?s)owner@shop.test</td>[^<]*(<td[^>]*>[^<]*</td>\s*){3}<td data-label="Two-factor">on</td>`).MatchString(p.body) {
		t.Fatalf("the team page does not show two-factor on:\n%s", p.body)
	}

	anon := &browserless{e: e}
	form := url.Values{"email": {"owner@shop.test"}, "password": {password}}
	asks := anon.post("/dashboard/sign-in", form)
	if asks.status != http.StatusUnauthorized || !strings.Contains(asks.body, "the code from your authenticator app") ||
		!regexpMust(`<input id="totp"[^>]* required`).MatchString(asks.body) || asks.header.Get("Set-Cookie") != "" {
		t.Fatalf("sign-in without a code: %d\n%s", asks.status, asks.body)
	}
	// A code of none of the steps VerifyTOTP accepts.
	ok := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second, 60 * time.Second} {
		c, _ := auth.TOTPCode(secret, time.Now().Add(d))
		ok[c] = true
	}
	wrong := "000000"
	for n := 0; ok[wrong]; n++ {
		wrong = strings.Repeat(string(rune('1'+n)), 6)
	}
	form.Set("totp", wrong)
	refused := anon.post("/dashboard/sign-in", form)
	if refused.status != http.StatusUnauthorized || !strings.Contains(refused.body, "not right") || strings.Contains(refused.header.Get("Set-Cookie"), "paygate_session") {
		t.Fatalf("sign-in with a wrong code: %d\n%s", refused.status, refused.body)
	}
	// The code that turned two-factor on does not also sign in (a code is
	// accepted once); the next one does.
	form.Set("totp", enabledWith)
	if again := anon.post("/dashboard/sign-in", form); again.status != http.StatusUnauthorized || strings.Contains(again.header.Get("Set-Cookie"), "paygate_session") {
		t.Fatalf("sign-in with the code that enabled two-factor: %d\n%s", again.status, again.body)
	}
	next, _ := auth.TOTPCode(secret, time.Now().Add(30*time.Second))
	form.Set("totp", next)
	in := anon.post("/dashboard/sign-in", form)
	if in.status != http.StatusSeeOther || !strings.Contains(in.header.Get("Set-Cookie"), "__Host-paygate_session=") {
		t.Fatalf("sign-in with the right code: %d\n%s", in.status, in.body)
	}
}

// TestTwoFactorPageTurnsItOn sets up two-factor from the person's own
// page: the key is shown, a wrong code is refused with the key shown again,
// the right code turns it on and sign-in then asks for a code.
func TestTwoFactorPageTurnsItOn(t *testing.T) {
	e := newEnv(t)
	analyst := e.signIn("analyst@shop.test") // any signed-in person, for themselves
	page := analyst.get("/dashboard/two-factor")
	if page.status != 200 || !strings.Contains(page.body, "is <strong>off</strong>") || !strings.Contains(page.body, `id="two-factor-link"`) {
		t.Fatalf("two-factor page: %d\n%s", page.status, page.body)
	}
	csrf := page.csrf(t)
	if p := analyst.post("/dashboard/two-factor/setup", url.Values{}); p.status != http.StatusForbidden {
		t.Fatalf("setup without CSRF: %d", p.status)
	}
	setup := analyst.post("/dashboard/two-factor/setup", url.Values{"csrf": {csrf}})
	secret := regexpFind(t, setup.body, `id="totp-secret">([^<]+)<`)
	if setup.status != 200 || setup.header.Get("Cache-Control") != "no-store" || !strings.Contains(setup.body, `href="otpauth://totp/`) {
		t.Fatalf("setup: %d\n%s", setup.status, setup.body)
	}
	// The page's QR code, scanned, is the same otpauth: link with the same secret.
	qr := regexpFind(t, setup.body, `src="data:image/png;base64,([^"]+)" id="totp-qr"`)
	uri := html.UnescapeString(regexpFind(t, setup.body, `href="(otpauth://[^"]+)"`))
	if got := scanDataPNG(t, qr, uri); !strings.HasPrefix(got, "otpauth://totp/") || !strings.Contains(got, "secret="+secret) {
		t.Fatalf("the setup's QR code reads %q (secret %s)", got, secret)
	}
	code, _ := auth.TOTPCode(secret, time.Now())
	wrong := "000000"
	for n := 0; ; n++ {
		ok := false
		for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second, 60 * time.Second} {
			c, _ := auth.TOTPCode(secret, time.Now().Add(d))
			ok = ok || c == wrong
		}
		if !ok {
			break
		}
		wrong = strings.Repeat(string(rune('1'+n)), 6)
	}
	bad := analyst.post("/dashboard/two-factor/enable", url.Values{"csrf": {csrf}, "code": {wrong}})
	if bad.status != 400 || !strings.Contains(bad.body, "the code does not match") || !strings.Contains(bad.body, secret) {
		t.Fatalf("a wrong code: %d\n%s", bad.status, bad.body)
	}
	if e.user("analyst@shop.test").TOTPEnabled {
		t.Fatal("a wrong code turned two-factor on")
	}
	if p := analyst.post("/dashboard/two-factor/enable", url.Values{"csrf": {csrf}, "code": {code}}); p.status != http.StatusSeeOther {
		t.Fatalf("the right code: %d\n%s", p.status, p.body)
	}
	if p := analyst.get("/dashboard/two-factor?done=totp-on"); !strings.Contains(p.body, "is <strong>on</strong>") || strings.Contains(p.body, secret) || strings.Contains(p.body, `id="totp-begin"`) {
		t.Fatalf("after turning it on:\n%s", p.body)
	}
	if p := e.signInWith("analyst@shop.test", password); p.status != http.StatusUnauthorized || !strings.Contains(p.body, "the code from your authenticator app") {
		t.Fatalf("sign-in without a code after turning it on: %d", p.status)
	}
}
