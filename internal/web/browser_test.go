package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

type css = chromedp.CSS

// TestHostedCheckoutPaysOnceAndReturnsToTheShop drives a payer through the
// example shop and paygate's hosted page: brand detection and inline errors
// while typing, payment, return to the shop's success page, and a second
// visit that cannot pay again.
func TestHostedCheckoutPaysOnceAndReturnsToTheShop(t *testing.T) {
	g := newGateway(t)
	ctx := browser(t, 1024, 800)
	do(t, ctx, chromedp.Navigate(g.shop+"/"), chromedp.SetValue(css(`select[name=currency]`), "USD"), chromedp.Click(css("#go-checkout")))
	waitFor(t, ctx, "#pay-form")
	do(t, ctx, chromedp.SendKeys(css("#card-number"), "4242424242424242"))
	do(t, ctx, chromedp.SendKeys(css("#card-expiry"), "0120"))
	do(t, ctx, chromedp.Focus(css("#card-cvc")))
	loc := get(t, ctx, chromedp.Location())
	pageURL := loc
	if merchant, amount := text(t, ctx, ".merchant"), text(t, ctx, "#amount"); !strings.HasPrefix(loc, g.url+"/checkout/ct_") || merchant != "Example Shop" || amount != "USD 15.00" {
		t.Fatalf("page %s shows %q %q", loc, merchant, amount)
	}
	if brand := text(t, ctx, "#card-brand"); brand != "Visa" {
		t.Fatalf("brand detected as %q", brand)
	}
	expiryErr := text(t, ctx, "#card-expiry-error")
	if invalid := get(t, ctx, chromedp.AttributeValue(css("#card-expiry"), "aria-invalid")).Value; !strings.Contains(expiryErr, "expiry") || invalid != "true" {
		t.Fatalf("a past expiry date was not flagged inline: %q aria-invalid=%q", expiryErr, invalid)
	}
	if number := get(t, ctx, chromedp.Value(css("#card-number"))); number != "4242 4242 4242 4242" {
		t.Fatalf("number formatted as %q", number)
	}
	do(t, ctx,
		chromedp.SetValue(css("#card-expiry"), ""),
		chromedp.SendKeys(css("#card-expiry"), "1231"),
		chromedp.SendKeys(css("#card-cvc"), "123"),
		chromedp.SendKeys(css("#card-holder"), "Ana Pay"),
		chromedp.Click(css("#pay-button")),
	)
	waitFor(t, ctx, "#status")
	loc = get(t, ctx, chromedp.Location())
	if status := text(t, ctx, "#status"); !strings.HasPrefix(loc, g.shop+"/success?session_id=cs_") || status != "complete" {
		t.Fatalf("after paying: %s shows %q", loc, status)
	}
	sid := loc[strings.Index(loc, "cs_"):]
	s := g.api("GET", "/v1/checkout/sessions/"+sid, "")
	p := g.api("GET", "/v1/payments/"+s["payment"].(string), "")
	if s["status"] != "complete" || p["status"] != "captured" || p["amount"].(float64) != 1500 || p["metadata"].(map[string]any)["checkout_session"] != sid {
		t.Fatalf("session %v payment %v", s, p)
	}

	// The page cannot be paid again.
	do(t, ctx, chromedp.Navigate(pageURL))
	waitFor(t, ctx, "#message-title")
	if heading := text(t, ctx, "#message-title"); heading != "Payment received" {
		t.Fatalf("revisiting a paid checkout shows %q", heading)
	}
	if list := g.api("GET", "/v1/payments", "")["data"].([]any); len(list) != 1 {
		t.Fatalf("%d payments for one checkout", len(list))
	}
}

// TestThreeDSecureChallengeApprovedAndFailed pays on the hosted page with a
// card that needs a challenge: a wrong password fails it and brings the
// payer back to the page with the reason; the right one completes the
// checkout. The result is recorded on the payment.
func TestThreeDSecureChallengeApprovedAndFailed(t *testing.T) {
	g := newGateway(t)
	ctx := browser(t, 1024, 800)
	sid, url := g.session(`{"amount":2000,"currency":"EUR","success_url":"` + g.shop + `/success","cancel_url":"` + g.shop + `/"}`)
	pay := func(number string) {
		do(t, ctx, chromedp.Navigate(url))
		waitFor(t, ctx, "#pay-form")
		do(t, ctx,
			chromedp.SendKeys(css("#card-number"), number),
			chromedp.SendKeys(css("#card-expiry"), "1231"),
			chromedp.SendKeys(css("#card-cvc"), "123"),
			chromedp.Click(css("#pay-button")),
		)
		waitFor(t, ctx, "#otp")
	}
	pay("4000002760003184")
	if loc, amount := get(t, ctx, chromedp.Location()), text(t, ctx, "#acs-amount"); !strings.Contains(loc, "/sandbox/3ds/chl_") || amount != "EUR 20.00" {
		t.Fatalf("challenge page %s shows %q", loc, amount)
	}
	do(t, ctx, chromedp.SendKeys(css("#otp"), "wrong"), chromedp.Click(css("#acs-submit")))
	waitFor(t, ctx, "#pay-form")
	if alert := text(t, ctx, "#form-errors"); !strings.Contains(alert, "3-D Secure authentication failed") {
		t.Fatalf("after a failed challenge the page says %q", alert)
	}
	failed := g.api("GET", "/v1/checkout/sessions/"+sid, "")
	fp := g.api("GET", "/v1/payments/"+failed["payment"].(string), "")
	if failed["status"] != "open" || fp["status"] != "failed" || fp["three_d_secure"].(map[string]any)["trans_status"] != "N" {
		t.Fatalf("failed challenge: session %v payment %v", failed, fp)
	}

	pay("4000002760003184")
	do(t, ctx, chromedp.SendKeys(css("#otp"), "password"), chromedp.Click(css("#acs-submit")))
	waitFor(t, ctx, "#status")
	status := text(t, ctx, "#status")
	done := g.api("GET", "/v1/checkout/sessions/"+sid, "")
	p := g.api("GET", "/v1/payments/"+done["payment"].(string), "")
	tds := p["three_d_secure"].(map[string]any)
	if status != "complete" || p["status"] != "captured" || tds["trans_status"] != "Y" || tds["eci"] != "05" || tds["flow"] != "challenge" || tds["authentication_value_present"] != true {
		t.Fatalf("approved challenge: page %q, payment %v", status, p)
	}
}

// TestArabicCheckoutIsRightToLeftAndFitsAPhone opens an Arabic checkout at
// 360 px: the document is right to left, nothing scrolls sideways, labels
// sit on the right, and keyboard users reach every field in order.
func TestArabicCheckoutIsRightToLeftAndFitsAPhone(t *testing.T) {
	g := newGateway(t)
	ctx := browser(t, 360, 740)
	_, url := g.session(`{"amount":1500,"currency":"KWD","locale":"ar","success_url":"https://shop.test/ok","cancel_url":"https://shop.test/cart"}`)
	do(t, ctx, chromedp.Navigate(url))
	waitFor(t, ctx, "#pay-form")
	dir := eval[string](t, ctx, `document.documentElement.dir + "/" + getComputedStyle(document.querySelector("#pay-form")).direction`)
	button, amount := text(t, ctx, "#pay-button"), text(t, ctx, "#amount")
	if dir != "rtl/rtl" || !strings.Contains(button, "ادفع") || amount != "KWD 1.500" {
		t.Fatalf("dir %q, button %q, amount %q", dir, button, amount)
	}
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
		t.Fatalf("the page is %v px wide at a 360 px viewport", w)
	}
	label := eval[float64](t, ctx, `document.querySelector("label[for=card-number]").getBoundingClientRect().right`)
	input := eval[[]float64](t, ctx, `(function(r){return [r.left, r.right]})(document.querySelector("#card-number").getBoundingClientRect())`)
	if label < input[1]-2 || input[0] < 0 {
		t.Fatalf("label ends at %v, input spans %v: not laid out right to left", label, input)
	}
	do(t, ctx, chromedp.Focus(css("#card-number")))
	var order []string
	for range 4 {
		do(t, ctx, chromedp.KeyEvent("\t"))
		order = append(order, eval[string](t, ctx, `document.activeElement.id`))
	}
	if strings.Join(order, ",") != "card-expiry,card-cvc,card-holder,pay-button" {
		t.Fatalf("keyboard order %v", order)
	}
	// An error is announced: the form's alert region is role=alert.
	do(t, ctx, chromedp.Click(css("#pay-button")))
	if role, msg := get(t, ctx, chromedp.AttributeValue(css("#form-errors"), "role")).Value, text(t, ctx, "#form-errors"); role != "alert" || !strings.Contains(msg, "يرجى") {
		t.Fatalf("error summary role %q text %q", role, msg)
	}
}

// TestHostedFieldsKeepTheCardFromTheMerchantPage mounts paygate's fields
// on the example shop (another site), types a card into them, and checks
// the page's own script can neither read the frames nor receive the
// number: it gets a single-use token, which its server charges.
func TestHostedFieldsKeepTheCardFromTheMerchantPage(t *testing.T) {
	g := newGateway(t)
	ctx := browser(t, 1024, 800)
	do(t, ctx, chromedp.Navigate(g.shop+"/fields"))
	waitFor(t, ctx, "#card-cvc iframe")
	eval[bool](t, ctx, `window.__seen = []; window.addEventListener("message", function (e) { window.__seen.push(JSON.stringify(e.data)); }); true`)
	do(t, ctx, chromedp.WaitReady(css("#card-cvc iframe")))
	frames := get(t, ctx, chromedp.Nodes(chromedp.CSSAll("iframe")))
	if len(frames) != 3 {
		t.Fatalf("%d frames mounted", len(frames))
	}
	for i, v := range []string{"4242424242424242", "1231", "123"} {
		do(t, ctx, chromedp.WaitVisible(css("#f"), chromedp.FromNode(frames[i])), chromedp.SendKeys(css("#f"), v, chromedp.FromNode(frames[i])))
	}
	readable := eval[bool](t, ctx, `Array.from(document.querySelectorAll("iframe")).some(function (f) { return f.contentDocument !== null; })`)
	framesAccess := eval[bool](t, ctx, `(function () { try { return !!window.frames[0].document.body; } catch (e) { return false; } })()`)
	inDOM := eval[bool](t, ctx, `document.documentElement.outerHTML.indexOf("4242424242424242") >= 0 || document.documentElement.outerHTML.indexOf("4242 4242") >= 0`)
	if readable || framesAccess || inDOM {
		t.Fatalf("the merchant page can read the card: contentDocument %v, frames[0].document %v, in DOM %v", readable, framesAccess, inDOM)
	}
	do(t, ctx, chromedp.Click(css("#pay")))
	waitFor(t, ctx, `#result[data-status], #result[data-error]`)
	status := get(t, ctx, chromedp.AttributeValue(css("#result"), "data-status")).Value
	seen := eval[string](t, ctx, `window.__seen.join("\n")`)
	if status != "captured" {
		t.Fatalf("payment with the hosted-fields token: %q (%s)", status, text(t, ctx, "#result"))
	}
	if strings.Contains(seen, "4242424242424242") || strings.Contains(seen, "4242 4242") || !strings.Contains(seen, "tok_") {
		t.Fatalf("messages the merchant page received: %s", seen)
	}
	for path, bodies := range g.seenCopy() {
		for _, b := range bodies {
			if strings.Contains(b, "4242424242424242") || strings.Contains(b, `"123"`) {
				t.Fatalf("the shop's server received card data at %s: %s", path, b)
			}
		}
	}
	// The token was single-use: the shop cannot charge it twice.
	tok := g.api("GET", "/v1/payments?limit=1", "")["data"].([]any)[0].(map[string]any)["payment_method"].(map[string]any)["id"].(string)
	if again := g.api("POST", "/v1/payments", `{"amount":100,"currency":"USD","payment_method":{"type":"token","token":"`+tok+`","key":"tk_x"}}`); again["code"] == nil {
		t.Fatalf("token charged again: %v", again)
	}
}

// TestClientSideEncryptionRoundTrip: the shop's page encrypts the number and
// CVC with WebCrypto under the merchant's public key; its server forwards
// only ciphertext, which paygate decrypts inside the vault boundary.
func TestClientSideEncryptionRoundTrip(t *testing.T) {
	g := newGateway(t)
	ctx := browser(t, 1024, 800)
	do(t, ctx, chromedp.Navigate(g.shop+"/encrypt"))
	waitFor(t, ctx, "#number")
	do(t, ctx, chromedp.SendKeys(css("#number"), "5555555555554444"), chromedp.SendKeys(css("#cvc"), "321"), chromedp.Click(css("#pay")))
	waitFor(t, ctx, "#status")
	if status := text(t, ctx, "#status"); status != "captured" {
		t.Fatalf("encrypted payment: %q; the shop received %q", status, g.seenCopy()["/encrypt/pay"])
	}
	bodies := g.seenCopy()["/encrypt/pay"]
	if len(bodies) != 1 || !strings.Contains(bodies[0], "encrypted_number=") || strings.Contains(bodies[0], "5555555555554444") ||
		strings.Contains(bodies[0], "cvc=321") || strings.Contains(bodies[0], "number=5555") {
		t.Fatalf("the shop's server received %q", bodies)
	}
	p := g.api("GET", "/v1/payments?limit=1", "")["data"].([]any)[0].(map[string]any)
	if p["payment_method"].(map[string]any)["card"].(map[string]any)["last4"] != "4444" {
		t.Fatalf("payment %v", p)
	}
}

func (g *gateway) seenCopy() map[string][]string {
	g.seenMu.Lock()
	defer g.seenMu.Unlock()
	out := map[string][]string{}
	for k, v := range g.seen {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// TestEmbeddedCheckoutCompletesThreeDSecureInItsFrame frames a checkout
// session from another site (as the SmartPay widget and embed_origins do),
// pays with a card that needs a challenge, approves it inside the frame,
// and checks that the payment is captured and the frame lands on the
// shop's success page: the challenge page may be framed by the session's
// origins, and the return needs no cookie a cross-site frame cannot keep.
func TestEmbeddedCheckoutCompletesThreeDSecureInItsFrame(t *testing.T) {
	g := newGateway(t)
	shop, checkoutURL, returned := embeddingShop(t)
	sid, u := g.session(`{"amount":2500,"currency":"EUR","success_url":"` + shop.URL + `/done","cancel_url":"` + shop.URL + `/","embed_origins":["` + shop.URL + `"]}`)
	checkoutURL.Store(u)
	ctx := browser(t, 1024, 1000)
	do(t, ctx, chromedp.Navigate(shop.URL+"/"))
	waitFor(t, ctx, "#pay")
	frame := frameWith(t, ctx, "#pay-form")
	do(t, ctx,
		chromedp.SendKeys(css("#card-number"), "4000002760003184", chromedp.FromNode(frame)),
		chromedp.SendKeys(css("#card-expiry"), "1231", chromedp.FromNode(frame)),
		chromedp.SendKeys(css("#card-cvc"), "123", chromedp.FromNode(frame)),
		chromedp.Click(css("#pay-button"), chromedp.FromNode(frame)),
	)
	frame = frameWith(t, ctx, "#otp")
	do(t, ctx, chromedp.SendKeys(css("#otp"), "password", chromedp.FromNode(frame)), chromedp.Click(css("#acs-submit"), chromedp.FromNode(frame)))
	// The frame ends on the shop's own page, which the shop's top page can read.
	done := pollEval(t, ctx, `(function(){ try { var d = document.getElementById("pay").contentDocument; var p = d && d.getElementById("done"); return p ? p.textContent : ""; } catch (e) { return ""; } })()`)
	s := g.api("GET", "/v1/checkout/sessions/"+sid, "")
	p := g.api("GET", "/v1/payments/"+s["payment"].(string), "")
	if done != sid || s["status"] != "complete" || p["status"] != "captured" || p["three_d_secure"].(map[string]any)["trans_status"] != "Y" {
		t.Fatalf("frame shows %q (shop saw %v); session %v; payment %v", done, returned.Load(), s["status"], p)
	}
}

// TestEmbeddedCheckoutFailedChallengeReturnsToTheFormInItsFrame: a framed
// checkout whose challenge fails comes back, inside the frame, to the card
// form with the reason (the partitioned cookie proves the frame had the
// token), and the payer pays with another card there.
func TestEmbeddedCheckoutFailedChallengeReturnsToTheFormInItsFrame(t *testing.T) {
	g := newGateway(t)
	shop, checkoutURL, _ := embeddingShop(t)
	sid, u := g.session(`{"amount":2500,"currency":"EUR","success_url":"` + shop.URL + `/done","cancel_url":"` + shop.URL + `/","embed_origins":["` + shop.URL + `"]}`)
	checkoutURL.Store(u)
	ctx := browser(t, 1024, 1000)
	do(t, ctx, chromedp.Navigate(shop.URL+"/"))
	waitFor(t, ctx, "#pay")
	pay := func(number string) {
		frame := frameWith(t, ctx, "#pay-form")
		do(t, ctx,
			chromedp.SendKeys(css("#card-number"), number, chromedp.FromNode(frame)),
			chromedp.SendKeys(css("#card-expiry"), "1231", chromedp.FromNode(frame)),
			chromedp.SendKeys(css("#card-cvc"), "123", chromedp.FromNode(frame)),
			chromedp.Click(css("#pay-button"), chromedp.FromNode(frame)),
		)
	}
	pay("4000002760003184")
	frame := frameWith(t, ctx, "#otp")
	do(t, ctx, chromedp.SendKeys(css("#otp"), "wrong", chromedp.FromNode(frame)), chromedp.Click(css("#acs-submit"), chromedp.FromNode(frame)))
	// Back on the form, inside the frame, with the reason.
	frame = frameWith(t, ctx, "#pay-form")
	reason := get(t, ctx, chromedp.Text(css("#form-errors"), chromedp.FromNode(frame)))
	if strings.TrimSpace(reason) == "" {
		t.Fatalf("the form came back without the reason the challenge failed")
	}
	if s := g.api("GET", "/v1/checkout/sessions/"+sid, ""); s["status"] != "open" {
		t.Fatalf("after a failed challenge the session is %v, want open", s["status"])
	}
	pay("4242424242424242")
	done := pollEval(t, ctx, `(function(){ try { var d = document.getElementById("pay").contentDocument; var p = d && d.getElementById("done"); return p ? p.textContent : ""; } catch (e) { return ""; } })()`)
	s := g.api("GET", "/v1/checkout/sessions/"+sid, "")
	if done != sid || s["status"] != "complete" {
		t.Fatalf("frame shows %q; session %v", done, s)
	}
	p := g.api("GET", "/v1/payments/"+s["payment"].(string), "")
	if p["status"] != "captured" || p["payment_method"].(map[string]any)["card"].(map[string]any)["last4"] != "4242" {
		t.Fatalf("the session was paid by %v", p)
	}
}

// embeddingShop is a shop on another site whose page frames the checkout
// URL stored in checkoutURL; its /done page shows the session id it was
// sent back with (the last query is kept in returned).
func embeddingShop(t *testing.T) (shop *httptest.Server, checkoutURL, returned *atomic.Value) {
	checkoutURL, returned = &atomic.Value{}, &atomic.Value{}
	shop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/":
			fmt.Fprintf(w, `<!doctype html><title>shop</title><iframe id="pay" width="600" height="900" src="%s"></iframe>`, html.EscapeString(checkoutURL.Load().(string)))
		case "/done":
			returned.Store(r.URL.RawQuery)
			fmt.Fprintf(w, `<!doctype html><title>done</title><p id="done">%s</p>`, html.EscapeString(r.URL.Query().Get("session_id")))
		}
	}))
	t.Cleanup(shop.Close)
	return shop, checkoutURL, returned
}

// frameWith waits until the page's iframe holds sel and returns the frame's
// node (looked up afresh: a navigation inside the frame replaces its document).
func frameWith(t *testing.T, ctx context.Context, sel string) *chromedp.Node {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		frames, err := chromedp.Run(sctx, chromedp.Nodes(chromedp.CSSAll("iframe")))
		if err == nil && len(frames) > 0 {
			found, err := chromedp.Run(sctx, chromedp.Nodes(css(sel), chromedp.FromNode(frames[0]), chromedp.AtLeast(0)))
			if err == nil && len(found) > 0 {
				cancel()
				return frames[0]
			}
		}
		cancel()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("browser: the frame never showed %s\n%s", sel, where(ctx))
	return nil
}

// pollEval evaluates js until it returns a non-empty string.
func pollEval(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		v, err := chromedp.Run(sctx, chromedp.Evaluate[string](js))
		cancel()
		if err == nil && v != "" {
			return v
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("browser: %s stayed empty\n%s", js, where(ctx))
	return ""
}

// TestCheckoutFlagsBadNumberAndCVCInlineAndCancelsBackToTheShop: a number
// failing Luhn and a short security code are flagged beside their fields
// as the payer leaves them (nothing is sent), and the cancel link takes
// the payer back to the shop with the session still open and unpaid.
func TestCheckoutFlagsBadNumberAndCVCInlineAndCancelsBackToTheShop(t *testing.T) {
	g := newGateway(t)
	ctx := browser(t, 1024, 800)
	do(t, ctx, chromedp.Navigate(g.shop+"/"), chromedp.SetValue(css(`select[name=currency]`), "USD"), chromedp.Click(css("#go-checkout")))
	waitFor(t, ctx, "#pay-form")
	do(t, ctx, chromedp.SendKeys(css("#card-number"), "4242424242424241"), chromedp.Focus(css("#card-expiry")))
	numberErr := text(t, ctx, "#card-number-error")
	if invalid := get(t, ctx, chromedp.AttributeValue(css("#card-number"), "aria-invalid")).Value; numberErr != "Enter a valid card number." || invalid != "true" {
		t.Fatalf("a number failing Luhn: error %q, aria-invalid %q", numberErr, invalid)
	}
	do(t, ctx, chromedp.SendKeys(css("#card-expiry"), "1231"), chromedp.SendKeys(css("#card-cvc"), "12"), chromedp.Focus(css("#card-holder")))
	cvcErr := text(t, ctx, "#card-cvc-error")
	if invalid := get(t, ctx, chromedp.AttributeValue(css("#card-cvc"), "aria-invalid")).Value; !strings.Contains(cvcErr, "security code") || invalid != "true" {
		t.Fatalf("a two-digit CVC: error %q, aria-invalid %q", cvcErr, invalid)
	}
	// Correcting the number clears its error.
	eval[bool](t, ctx, `document.querySelector("#card-number").value = ""; true`)
	do(t, ctx, chromedp.SendKeys(css("#card-number"), "4242424242424242"), chromedp.Focus(css("#card-expiry")))
	if e := text(t, ctx, "#card-number-error"); e != "" {
		t.Fatalf("a valid number still shows %q", e)
	}
	page := get(t, ctx, chromedp.Location())
	do(t, ctx, chromedp.Click(css("#cancel-link")))
	waitFor(t, ctx, "#go-checkout")
	if loc := get(t, ctx, chromedp.Location()); loc != g.shop+"/" {
		t.Fatalf("cancel went to %s", loc)
	}
	sessions := g.api("GET", "/v1/checkout/sessions", "")["data"].([]any)
	if len(sessions) != 1 || sessions[0].(map[string]any)["status"] != "open" || len(g.api("GET", "/v1/payments", "")["data"].([]any)) != 0 {
		t.Fatalf("after cancelling %s: sessions %v", page, sessions)
	}
}

// TestHostedFieldsReportAnInvalidCardToTheErrorHandler: with a CVC too
// short, submit calls the merchant's errorHandler with the code and the
// field, and no token or payment is made.
func TestHostedFieldsReportAnInvalidCardToTheErrorHandler(t *testing.T) {
	g := newGateway(t)
	ctx := browser(t, 1024, 800)
	do(t, ctx, chromedp.Navigate(g.shop+"/fields"))
	waitFor(t, ctx, "#card-cvc iframe")
	do(t, ctx, chromedp.WaitReady(css("#card-cvc iframe")))
	frames := get(t, ctx, chromedp.Nodes(chromedp.CSSAll("iframe")))
	for i, v := range []string{"4242424242424242", "1231", "1"} {
		do(t, ctx, chromedp.WaitVisible(css("#f"), chromedp.FromNode(frames[i])), chromedp.SendKeys(css("#f"), v, chromedp.FromNode(frames[i])))
	}
	do(t, ctx, chromedp.Click(css("#pay")))
	waitFor(t, ctx, `#result[data-status], #result[data-error]`)
	code := get(t, ctx, chromedp.AttributeValue(css("#result"), "data-error")).Value
	if msg := text(t, ctx, "#result"); code != "invalid_cvc" || !strings.Contains(msg, "security code") {
		t.Fatalf("errorHandler got %q: %q", code, msg)
	}
	if n := len(g.api("GET", "/v1/payments", "")["data"].([]any)); n != 0 || len(g.seenCopy()["/fields/pay"]) != 0 {
		t.Fatalf("an invalid card made %d payments; the shop received %v", n, g.seenCopy()["/fields/pay"])
	}
}
