package dashboard_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

type css = chromedp.CSS

// browser starts headless Chromium at a size. Without Chromium the test is
// skipped, unless PAYGATE_REQUIRE_BROWSER is set, when it fails.
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
		chromedp.Flag("disable-gpu", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() { cancelB(); cancelA() })
	return ctx
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("browser: %v\n%s", err, where(ctx))
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("browser: %v\n%s", err, where(ctx))
	}
	return v
}

func where(ctx context.Context) string {
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u, _ := chromedp.Run(wctx, chromedp.Location())
	body, _ := chromedp.Run(wctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(body) > 800 {
		body = body[:800]
	}
	return "at " + u + ":\n" + body
}

// waitFor polls until the loaded document holds sel (safe across navigations).
func waitFor(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	js := fmt.Sprintf(`document.readyState === "complete" && !!document.querySelector(%q)`, sel)
	deadline := time.Now().Add(20 * time.Second)
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

// screenshot saves the page when PAYGATE_SCREENSHOT_DIR is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("PAYGATE_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func signInBrowser(t *testing.T, ctx context.Context, e *env, email string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/"))
	waitFor(t, ctx, "#sign-in-form")
	do(t, ctx, chromedp.SendKeys(css("#email"), email), chromedp.SendKeys(css("#password"), password), chromedp.Click(css("#sign-in")))
	waitFor(t, ctx, "#mode-badge")
}

// TestRefundPartOfAPaymentFoundByItsLastFour is the scenario on a
// phone-sized screen: sign in, find a payment by its last four, refund part
// of it after confirming, and see the refund on the timeline, in the ledger
// and in the webhook delivery log. Nothing scrolls sideways at 360 px.
func TestRefundPartOfAPaymentFoundByItsLastFour(t *testing.T) {
	e := newEnv(t)
	e.pay(2500, "4242424242424242", "order-1")
	id := e.pay(1500, "4000056655665556", "order-2")
	e.dispatch()
	ctx := browser(t, 360, 780)
	signInBrowser(t, ctx, e, "owner@shop.test")
	screenshot(t, ctx, "dashboard-overview-360")
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
		t.Fatalf("the overview is %v px wide at 360 px", w)
	}
	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/payments"))
	waitFor(t, ctx, "#filters")
	do(t, ctx, chromedp.SendKeys(css("#f-last4"), "5556"), chromedp.Click(css("#search")))
	waitFor(t, ctx, `#f-last4[value="5556"]`) // the answer's form, refilled
	waitFor(t, ctx, "#payments")
	if rows := eval[[]string](t, ctx, `[...document.querySelectorAll("a.pay-link")].map(a => a.textContent)`); len(rows) != 1 || rows[0] != id {
		t.Fatalf("search by last four found %v, want %s", rows, id)
	}
	screenshot(t, ctx, "dashboard-payments-360")
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
		t.Fatalf("the payment list is %v px wide at 360 px", w)
	}
	do(t, ctx, chromedp.Click(css("a.pay-link")))
	waitFor(t, ctx, "#refund-form")
	eval[bool](t, ctx, `(document.querySelector("#refund-amount").value = "") === ""`)
	do(t, ctx, chromedp.SendKeys(css("#refund-amount"), "6.00"),
		chromedp.SendKeys(css("#refund-reason"), "damaged box"), chromedp.Click(css("#refund-button")))
	waitFor(t, ctx, "#confirm-form")
	if text := eval[string](t, ctx, `document.querySelector("#confirm-text").textContent`); !strings.Contains(text, "Refund USD 6.00 of payment "+id) {
		t.Fatalf("confirmation says %q", text)
	}
	do(t, ctx, chromedp.Click(css("#confirm-button")))
	waitFor(t, ctx, "#notice")
	e.dispatch()
	do(t, ctx, chromedp.Reload())
	waitFor(t, ctx, "#timeline")
	timeline := eval[string](t, ctx, `document.querySelector("#timeline").innerText`)
	ledger := eval[string](t, ctx, `document.querySelector("#ledger").innerText`)
	if !strings.Contains(timeline, "Refund succeeded") || !strings.Contains(timeline, "USD 6.00") || !strings.Contains(timeline, "Reason: damaged box") {
		t.Fatalf("the timeline lacks the refund:\n%s", timeline)
	}
	if !strings.Contains(ledger, "refund") || !strings.Contains(ledger, "USD -6.00") {
		t.Fatalf("the ledger lacks the refund:\n%s", ledger)
	}
	if !strings.Contains(timeline, "refund.succeeded") || !strings.Contains(timeline, "/hooks: succeeded") {
		t.Fatalf("the refund's webhook delivery is not on the timeline:\n%s", timeline)
	}
	screenshot(t, ctx, "dashboard-payment-360")
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
		t.Fatalf("the payment page is %v px wide at 360 px", w)
	}
	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/webhooks"))
	waitFor(t, ctx, "#deliveries")
	if log := eval[string](t, ctx, `document.querySelector("#deliveries").innerText`); strings.Count(log, "succeeded") < 3 {
		t.Fatalf("the delivery log:\n%s", log)
	}
}

// TestNoRefundButtonWithoutThePermission signs in an analyst: the payment
// page has no refund form, and a refund posted by hand with the page's own
// CSRF token is refused.
func TestNoRefundButtonWithoutThePermission(t *testing.T) {
	e := newEnv(t)
	id := e.pay(1500, "4242424242424242", "order-1")
	ctx := browser(t, 1024, 800)
	signInBrowser(t, ctx, e, "analyst@shop.test")
	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/payments/"+id))
	waitFor(t, ctx, "#timeline")
	if n := eval[int](t, ctx, `document.querySelectorAll("#refund-form, #refund-button, #capture-form, #void-form").length`); n != 0 {
		t.Fatalf("the analyst sees %d action forms", n)
	}
	status := eval[float64](t, ctx, fmt.Sprintf(`(function () {
		const csrf = document.querySelector("input[name=csrf]").value;
		const x = new XMLHttpRequest();
		x.open("POST", "/dashboard/payments/%s/refund", false);
		x.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
		x.send(new URLSearchParams({csrf, step: "confirm", amount: "1.00", key: "dash_forged"}).toString());
		return x.status;
	})()`, id))
	if status != 403 {
		t.Fatalf("a forged refund answered %v", status)
	}
	if got := e.api("GET", "/v1/payments/"+id, "")["amount_refunded"].(float64); got != 0 {
		t.Fatalf("refunded %v", got)
	}
}
