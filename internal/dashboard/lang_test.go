package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestArabicChromeIsRightToLeft(t *testing.T) {
	e := newEnv(t)
	owner := e.signIn("owner@shop.test")
	home := owner.get("/dashboard/payments")
	if !strings.Contains(home.body, `<html lang="en" dir="ltr">`) || !strings.Contains(home.body, ">Payments</a>") {
		t.Fatal("the default chrome is not English, left to right")
	}
	csrf := home.csrf(t)
	if p := owner.post("/dashboard/lang", url.Values{"lang": {"ar"}, "back": {"/dashboard/payments"}}); p.status != http.StatusForbidden {
		t.Fatalf("a language switch without CSRF: %d", p.status)
	}
	if p := owner.post("/dashboard/lang", url.Values{"csrf": {csrf}, "lang": {"fr"}}); p.status != http.StatusBadRequest {
		t.Fatalf("an unknown language: %d", p.status)
	}
	p := owner.post("/dashboard/lang", url.Values{"csrf": {csrf}, "lang": {"ar"}, "back": {"/dashboard/payments?status=x"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/dashboard/payments" || !strings.Contains(p.header.Get("Set-Cookie"), "__Host-paygate_lang=ar") {
		t.Fatalf("switch: %d %v", p.status, p.header)
	}
	if p := owner.post("/dashboard/lang", url.Values{"csrf": {csrf}, "lang": {"ar"}, "back": {"https://evil.test/"}}); p.header.Get("Location") != "/dashboard/" {
		t.Fatalf("the switch went off the dashboard: %s", p.header.Get("Location"))
	}
	owner.lang = "ar"
	ar := owner.get("/dashboard/payments")
	for _, want := range []string{`<html lang="ar" dir="rtl">`, ">المدفوعات</a>", "بيانات تجريبية", "تسجيل الخروج", `<main id="main" lang="en" dir="ltr">`} {
		if !strings.Contains(ar.body, want) {
			t.Fatalf("the Arabic chrome lacks %q", want)
		}
	}
	// A cookie naming an unknown language falls back to English.
	owner.lang = "xx"
	if p := owner.get("/dashboard/payments"); !strings.Contains(p.body, `<html lang="en" dir="ltr">`) {
		t.Fatal("an unknown language cookie")
	}
}

// TestArabicAt360 switches to Arabic in the browser: the page turns right to
// left and nothing scrolls sideways at 360 px.
func TestArabicAt360(t *testing.T) {
	e := newEnv(t)
	id := e.pay(1500, "4242424242424242", "order-1")
	e.dispatch()
	ctx := browser(t, 360, 780)
	signInBrowser(t, ctx, e, "owner@shop.test")
	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/payments/"+id))
	waitFor(t, ctx, "#timeline")
	do(t, ctx, chromedp.SetValue(css("#lang-select"), "ar"))
	do(t, ctx, chromedp.Click(css("#lang-switch")))
	waitFor(t, ctx, `html[dir="rtl"] #mode-badge`)
	if got := eval[string](t, ctx, `document.querySelector("#mode-badge").textContent`); got != "بيانات تجريبية" {
		t.Fatalf("mode badge %q", got)
	}
	for _, path := range []string{"/dashboard/payments/" + id, "/dashboard/payments", "/dashboard/", "/dashboard/invoices/new", "/dashboard/webhooks"} {
		do(t, ctx, chromedp.Navigate(e.url+path))
		waitFor(t, ctx, `html[dir="rtl"] main`)
		if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
			t.Fatalf("%s is %v px wide at 360 px in Arabic", path, w)
		}
	}
	screenshot(t, ctx, "dashboard-webhooks-ar-360")
}
