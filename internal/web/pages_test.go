package web_test

import (
	"bufio"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/web"
)

// fetch GETs or POSTs a page without following redirects.
func fetch(t *testing.T, method, u string, form url.Values, headers ...string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
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

var (
	scriptTag = regexp.MustCompile(`<script[^>]*>`)
	srcAttr   = regexp.MustCompile(`src="/static/([^"]+)"`)
	csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

func nonceOf(csp string) string {
	m := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(csp)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestEveryPageSendsStrictSecurityHeaders checks PCI-08 on the served pages:
// a nonce-based CSP without unsafe-inline or unsafe-eval, SRI and the nonce
// on every script, only inventoried scripts, no caching, and framing only
// where intended.
func TestEveryPageSendsStrictSecurityHeaders(t *testing.T) {
	g := newGateway(t)
	_, checkoutURL := g.session(`{"amount":500,"currency":"USD","success_url":"https://shop.test/ok"}`)
	_, embedURL := g.session(`{"amount":500,"currency":"USD","success_url":"https://shop.test/ok","embed_origins":["https://shop.test"]}`)
	p := g.api("POST", "/v1/payments", `{"amount":500,"currency":"USD","return_url":"https://shop.test/back","payment_method":{"type":"card","card":{"number":"4000002760003184","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)
	acsURL := p["next_action"].(map[string]any)["redirect_url"].(string)
	fieldURL := g.url + "/fields/frame?field=number&channel=0123456789abcdef&origin=" + url.QueryEscape("https://shop.test") + "&key=" + g.pk

	inventory := readInventory(t)
	pages := map[string]string{"checkout": checkoutURL, "embedded checkout": embedURL, "3-D Secure": acsURL, "hosted field": fieldURL, "unknown checkout": g.url + "/checkout/ct_nope"}
	nonces := map[string]bool{}
	for name, u := range pages {
		resp, body := fetch(t, "GET", u, nil)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		nonce := nonceOf(csp)
		if nonce == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "default-src 'none'") ||
			!strings.Contains(csp, "base-uri 'none'") || !strings.Contains(csp, "form-action 'self'") {
			t.Errorf("%s: CSP %q", name, csp)
		}
		if nonces[nonce] {
			t.Errorf("%s: a nonce was reused", name)
		}
		nonces[nonce] = true
		if h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: caching or sniffing headers %v", name, h)
		}
		fa := regexp.MustCompile(`frame-ancestors ([^;]+)`).FindStringSubmatch(csp)
		wantFA := map[string]string{"embedded checkout": "https://shop.test", "hosted field": "https://shop.test"}[name]
		if wantFA == "" {
			wantFA = "'none'"
		}
		if fa == nil || fa[1] != wantFA || (wantFA == "'none'") != (h.Get("X-Frame-Options") == "DENY") {
			t.Errorf("%s: frame-ancestors %v, X-Frame-Options %q; want %s", name, fa, h.Get("X-Frame-Options"), wantFA)
		}
		for _, tag := range scriptTag.FindAllString(body, -1) {
			src := srcAttr.FindStringSubmatch(tag)
			if src == nil || !strings.Contains(tag, `integrity="sha384-`) || !strings.Contains(tag, `nonce="`+nonce+`"`) {
				t.Errorf("%s: script tag without src, SRI or the nonce: %s", name, tag)
				continue
			}
			if !slices.Contains(inventory, src[1]) {
				t.Errorf("%s loads %s, which is not in script-inventory.txt", name, src[1])
			}
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "onclick") {
			t.Errorf("%s: inline script or style", name)
		}
	}
	// The inventory lists exactly what is served, with matching hashes.
	served := web.Inventory()
	names := make([]string, 0, len(served))
	for n := range served {
		names = append(names, n)
	}
	sort.Strings(names)
	sort.Strings(inventory)
	if !slices.Equal(names, inventory) {
		t.Fatalf("served %v, inventory %v", names, inventory)
	}
	resp, js := fetch(t, "GET", g.url+"/static/paygate.js", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(js, "successHandler") {
		t.Fatalf("paygate.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func readInventory(t *testing.T) []string {
	f, err := os.Open("script-inventory.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			t.Fatalf("inventory line without a justification: %q", line)
		}
		out = append(out, fields[0])
	}
	return out
}

func cardForm(csrf string) url.Values {
	return url.Values{"csrf": {csrf}, "number": {"4242 4242 4242 4242"}, "expiry": {"12/31"}, "cvc": {"123"}, "holder": {"Ana"}}
}

// TestCheckoutFormRefusesCrossSitePostsAndPaysOnce: a post from another
// origin or without the page's token changes nothing; concurrent double
// submits make one payment; a paid session refuses more.
func TestCheckoutFormRefusesCrossSitePostsAndPaysOnce(t *testing.T) {
	g := newGateway(t)
	sid, u := g.session(`{"amount":700,"currency":"EUR","success_url":"https://shop.test/ok"}`)
	_, page := fetch(t, "GET", u, nil)
	csrf := csrfField.FindStringSubmatch(page)[1]

	for name, c := range map[string]struct {
		form    url.Values
		headers []string
	}{
		"other origin":       {cardForm(csrf), []string{"Origin", "https://evil.test"}},
		"cross-site fetch":   {cardForm(csrf), []string{"Sec-Fetch-Site", "cross-site"}},
		"no token":           {cardForm(""), []string{"Origin", g.url}},
		"another form token": {cardForm("1." + strings.Repeat("0", 64)), []string{"Origin", g.url}},
	} {
		if resp, _ := fetch(t, "POST", u, c.form, c.headers...); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", name, resp.StatusCode)
		}
	}
	if n := len(g.api("GET", "/v1/payments", "")["data"].([]any)); n != 0 {
		t.Fatalf("refused posts made %d payments", n)
	}

	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := fetch(t, "POST", u, cardForm(csrf), "Origin", g.url)
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	if n := len(g.api("GET", "/v1/payments", "")["data"].([]any)); n != 1 {
		t.Fatalf("%d concurrent submits made %d payments (statuses %v)", len(codes), n, codes)
	}
	if s := g.api("GET", "/v1/checkout/sessions/"+sid, ""); s["status"] != "complete" {
		t.Fatalf("session %v", s)
	}
	resp, body := fetch(t, "POST", u, cardForm(csrf), "Origin", g.url)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Payment received") {
		t.Fatalf("paying a paid session: %d %s", resp.StatusCode, body)
	}
	if n := len(g.api("GET", "/v1/payments", "")["data"].([]any)); n != 1 {
		t.Fatalf("a paid session took another payment: %d", n)
	}
}

func TestExpiredCheckoutCannotBePaid(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	g := newGatewayAt(t, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	_, u := g.session(`{"amount":700,"currency":"EUR","success_url":"https://shop.test/ok","cancel_url":"https://shop.test/cart","expires_in":300}`)
	_, page := fetch(t, "GET", u, nil)
	csrf := csrfField.FindStringSubmatch(page)[1]
	mu.Lock()
	now = now.Add(6 * time.Minute)
	mu.Unlock()
	resp, body := fetch(t, "POST", u, cardForm(csrf), "Origin", g.url)
	if resp.StatusCode != http.StatusGone || !strings.Contains(body, "expired") || !strings.Contains(body, "https://shop.test/cart") {
		t.Fatalf("paying an expired session: %d %s", resp.StatusCode, body)
	}
	if n := len(g.api("GET", "/v1/payments", "")["data"].([]any)); n != 0 {
		t.Fatalf("an expired session took %d payments", n)
	}
}

func TestDeclineAndBadInputRerenderTheForm(t *testing.T) {
	g := newGateway(t)
	sid, u := g.session(`{"amount":700,"currency":"EUR","success_url":"https://shop.test/ok","payment_method_types":["visa"]}`)
	_, page := fetch(t, "GET", u, nil)
	csrf := csrfField.FindStringSubmatch(page)[1]
	post := func(number, expiry string) (int, string) {
		f := cardForm(csrf)
		f.Set("number", number)
		f.Set("expiry", expiry)
		resp, body := fetch(t, "POST", u, f, "Origin", g.url)
		return resp.StatusCode, body
	}
	if code, body := post("4000000000009995", "12/31"); code != http.StatusPaymentRequired || !strings.Contains(body, "insufficient funds") {
		t.Fatalf("decline: %d %s", code, body)
	}
	if code, body := post("4242424242424241", "12/31"); code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="card-number" name="number" inputmode="numeric" autocomplete="cc-number" required
  aria-describedby="card-number-error card-brand" aria-invalid="true"`) {
		t.Fatalf("bad number: %d", code)
	}
	if code, _ := post("4242424242424242", "13/31"); code != http.StatusUnprocessableEntity {
		t.Fatalf("bad expiry: %d", code)
	}
	if code, body := post("5555555555554444", "12/31"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "not accepted") {
		t.Fatalf("brand not allowed: %d", code)
	}
	if code, _ := post("4242424242424242", "12/31"); code != http.StatusSeeOther {
		t.Fatalf("good card after failures: %d", code)
	}
	if s := g.api("GET", "/v1/checkout/sessions/"+sid, ""); s["status"] != "complete" {
		t.Fatalf("session %v", s)
	}
}

// TestChallengePageReturnsToTheMerchant: an API payment that needs 3-D
// Secure sends the payer back to its return_url with the payment id.
func TestChallengePageReturnsToTheMerchant(t *testing.T) {
	g := newGateway(t)
	p := g.api("POST", "/v1/payments", `{"amount":500,"currency":"USD","return_url":"https://shop.test/back?order=9","payment_method":{"type":"card","card":{"number":"4000002760003184","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)
	acs := p["next_action"].(map[string]any)["redirect_url"].(string)
	resp, page := fetch(t, "GET", acs, nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "form-action 'self' https://shop.test") {
		t.Fatalf("challenge page: %d %s", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	csrf := csrfField.FindStringSubmatch(page)[1]
	if resp, _ := fetch(t, "POST", acs, url.Values{"csrf": {csrf}, "otp": {"password"}}, "Origin", "https://evil.test"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site challenge answer: %d", resp.StatusCode)
	}
	resp, _ = fetch(t, "POST", acs, url.Values{"csrf": {csrf}, "otp": {"password"}}, "Origin", g.url)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "https://shop.test/back?order=9&payment_id="+p["id"].(string) {
		t.Fatalf("after the challenge: %d %q", resp.StatusCode, loc)
	}
	if got := g.api("GET", "/v1/payments/"+p["id"].(string), ""); got["status"] != "captured" {
		t.Fatalf("payment %v", got)
	}
	// Answering again changes nothing.
	resp, _ = fetch(t, "POST", acs, url.Values{"csrf": {csrf}, "otp": {"wrong"}}, "Origin", g.url)
	if got := g.api("GET", "/v1/payments/"+p["id"].(string), ""); resp.StatusCode != http.StatusSeeOther || got["status"] != "captured" {
		t.Fatalf("a second answer: %d %v", resp.StatusCode, got)
	}
	if resp, _ := fetch(t, "GET", g.url+"/sandbox/3ds/chl_unknown", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown challenge: %d", resp.StatusCode)
	}
}

func TestFieldFrameChecksItsParameters(t *testing.T) {
	g := newGateway(t)
	base := g.url + "/fields/frame?"
	good := url.Values{"field": {"number"}, "channel": {"0123456789abcdef"}, "origin": {"https://shop.test"}, "key": {g.pk}}
	if resp, _ := fetch(t, "GET", base+good.Encode(), nil); resp.StatusCode != 200 {
		t.Fatalf("good frame: %d", resp.StatusCode)
	}
	for name, mod := range map[string][2]string{
		"unknown field":       {"field", "pan"},
		"short channel":       {"channel", "abc"},
		"origin with a path":  {"origin", "https://shop.test/pay"},
		"javascript origin":   {"origin", "javascript:alert(1)"},
		"secret key in frame": {"key", g.sk},
	} {
		v := url.Values{}
		for k, vs := range good {
			v[k] = vs
		}
		v.Set(mod[0], mod[1])
		resp, _ := fetch(t, "GET", base+v.Encode(), nil)
		if csp := resp.Header.Get("Content-Security-Policy"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(csp, "default-src 'none'") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d, CSP %q, Cache-Control %q", name, resp.StatusCode, csp, resp.Header.Get("Cache-Control"))
		}
	}
}

// TestCheckoutOffersTheCustomersSavedCards: a session for a customer lists
// the customer's saved cards (masked) and pays with one.
func TestCheckoutOffersTheCustomersSavedCards(t *testing.T) {
	g := newGateway(t)
	g.api("POST", "/v1/customers", `{"reference":"shopper-1"}`)
	first := g.api("POST", "/v1/payments", `{"amount":100,"currency":"USD","customer":"shopper-1","payment_method":{"type":"card","card":{"number":"5555555555554444","exp_month":11,"exp_year":2032,"cvc":"123"}}}`)
	pm := first["payment_method"].(map[string]any)["id"].(string)
	sid, u := g.session(`{"amount":800,"currency":"USD","customer":"shopper-1","success_url":"https://shop.test/ok"}`)
	_, page := fetch(t, "GET", u, nil)
	if !strings.Contains(page, `value="`+pm+`"`) || !strings.Contains(page, "Mastercard •••• 4444 (11/2032)") || strings.Contains(page, "5555555555554444") {
		t.Fatalf("saved cards not offered:\n%s", page)
	}
	csrf := csrfField.FindStringSubmatch(page)[1]
	resp, _ := fetch(t, "POST", u, url.Values{"csrf": {csrf}, "saved": {pm}}, "Origin", g.url)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "https://shop.test/ok?session_id=") {
		t.Fatalf("pay with a saved card: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	s := g.api("GET", "/v1/checkout/sessions/"+sid, "")
	p := g.api("GET", "/v1/payments/"+s["payment"].(string), "")
	if p["status"] != "captured" || p["payment_method"].(map[string]any)["id"] != pm || p["initiator"] != "customer" {
		t.Fatalf("payment %v", p)
	}
	// Another customer's card cannot be used on this session.
	g.api("POST", "/v1/customers", `{"reference":"shopper-2"}`)
	_, u2 := g.session(`{"amount":800,"currency":"USD","customer":"shopper-2","success_url":"https://shop.test/ok"}`)
	_, page2 := fetch(t, "GET", u2, nil)
	resp, _ = fetch(t, "POST", u2, url.Values{"csrf": {csrfField.FindStringSubmatch(page2)[1]}, "saved": {pm}}, "Origin", g.url)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("another customer's card: %d", resp.StatusCode)
	}
}

// TestSignedReturnLinkShowsOnlyTheOutcome: the challenge of an embedded
// checkout may be framed by the session's origins; the link it returns to
// works without the checkout cookie, but only as signed, and only to show
// the outcome: it never reopens the form (it is stored with the payment).
func TestSignedReturnLinkShowsOnlyTheOutcome(t *testing.T) {
	g := newGateway(t)
	_, u := g.session(`{"amount":900,"currency":"EUR","success_url":"https://shop.test/ok","cancel_url":"https://shop.test/cart","embed_origins":["https://shop.test"]}`)
	_, page := fetch(t, "GET", u, nil)
	f := cardForm(csrfField.FindStringSubmatch(page)[1])
	f.Set("number", "4000002760003184")
	resp, _ := fetch(t, "POST", u, f, "Origin", g.url)
	acs := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(acs, "/sandbox/3ds/chl_") {
		t.Fatalf("challenge card: %d %q", resp.StatusCode, acs)
	}
	resp, page = fetch(t, "GET", acs, nil)
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors https://shop.test;") || resp.Header.Get("X-Frame-Options") != "" {
		t.Fatalf("the embedded checkout's challenge cannot be framed by its origin: %q, X-Frame-Options %q", csp, resp.Header.Get("X-Frame-Options"))
	}
	// A refused answer is said inside the frame too.
	resp, body := fetch(t, "POST", acs, url.Values{"csrf": {"1." + strings.Repeat("0", 64)}, "otp": {"password"}}, "Origin", g.url)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors https://shop.test;") || !strings.Contains(body, "expired") {
		t.Fatalf("a refused challenge answer: %d %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	resp, _ = fetch(t, "POST", acs, url.Values{"csrf": {csrfField.FindStringSubmatch(page)[1]}, "otp": {"wrong"}}, "Origin", g.url)
	back := resp.Header.Get("Location")
	if !strings.Contains(back, "/checkout/return/cs_") || !strings.Contains(back, "sig=") {
		t.Fatalf("after the challenge: %d %q", resp.StatusCode, back)
	}
	resp, body = fetch(t, "GET", back, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "3-D Secure authentication failed") || strings.Contains(body, "pay-form") ||
		!strings.Contains(body, `href="https://shop.test/cart"`) || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors https://shop.test;") {
		t.Fatalf("signed return of a failed challenge: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Security-Policy"), body)
	}
	for name, bad := range map[string]string{
		"another signature": regexp.MustCompile(`sig=[0-9a-f]+`).ReplaceAllString(back, "sig="+strings.Repeat("0", 64)),
		"a later expiry":    regexp.MustCompile(`expires=[0-9]+`).ReplaceAllString(back, "expires=9999999999"),
		"no signature":      back[:strings.Index(back, "?")],
	} {
		if resp, _ := fetch(t, "GET", bad, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("return link with %s: %d", name, resp.StatusCode)
		}
	}
}

// TestArabicCheckoutsChallengeIsInArabic: the 3-D Secure page of an Arabic
// checkout speaks Arabic, right to left; an API payment's stays English.
func TestArabicCheckoutsChallengeIsInArabic(t *testing.T) {
	g := newGateway(t)
	_, u := g.session(`{"amount":1500,"currency":"KWD","locale":"ar","success_url":"https://shop.test/ok"}`)
	_, page := fetch(t, "GET", u, nil)
	f := cardForm(csrfField.FindStringSubmatch(page)[1])
	f.Set("number", "4000002760003184")
	resp, _ := fetch(t, "POST", u, f, "Origin", g.url)
	_, acs := fetch(t, "GET", resp.Header.Get("Location"), nil)
	if !strings.Contains(acs, `lang="ar" dir="rtl"`) || !strings.Contains(acs, "أكّد عملية الشراء") || !strings.Contains(acs, "كلمة المرور لمرة واحدة") ||
		strings.Contains(acs, "Confirm this purchase") || !strings.Contains(acs, "KWD 1.500") {
		t.Fatalf("Arabic checkout's challenge page:\n%s", acs)
	}
	p := g.api("POST", "/v1/payments", `{"amount":500,"currency":"USD","return_url":"https://shop.test/back","payment_method":{"type":"card","card":{"number":"4000002760003184","exp_month":12,"exp_year":2031,"cvc":"123"}}}`)
	if _, en := fetch(t, "GET", p["next_action"].(map[string]any)["redirect_url"].(string), nil); !strings.Contains(en, `lang="en" dir="ltr"`) || !strings.Contains(en, "Confirm this purchase") {
		t.Fatalf("API payment's challenge page:\n%s", en)
	}
}
