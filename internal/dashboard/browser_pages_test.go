package dashboard_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestNewPagesAt360 walks the customer, invoice, payout and subscription
// pages on a phone-sized screen: create an invoice with the form and see
// its link once, delete a saved card after confirming, and nothing scrolls
// sideways.
func TestNewPagesAt360(t *testing.T) {
	e := newEnv(t)
	cus, pm := e.savedCard("ana", "Ana Example", "4242424242424242")
	e.api("POST", "/v1/payouts", `{"amount":500,"currency":"USD","destination":{"type":"bank_account","bank_account":{"holder":"Shop LLC","iban":"DE89370400440532013000"}}}`)
	mdt := e.api("POST", "/v1/payments", `{"amount":1000,"currency":"USD","customer":"cus-ana","recurring":{"type":"initial"},"payment_method":{"type":"saved_card","id":"`+pm+`"}}`)["mandate"].(string)
	e.api("POST", "/v1/subscriptions", `{"mandate":"`+mdt+`","amount":900,"currency":"USD","interval":"month","description":"Tea club"}`)
	ctx := browser(t, 360, 780)
	signInBrowser(t, ctx, e, "owner@shop.test")
	narrow := func(what string) {
		t.Helper()
		if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
			t.Fatalf("%s is %v px wide at 360 px", what, w)
		}
	}

	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/invoices/new"))
	waitFor(t, ctx, "#invoice-form")
	narrow("the invoice form")
	do(t, ctx, chromedp.SendKeys(css("#i-email"), "buyer@example.com"), chromedp.SendKeys(css("#i-name"), "Bo Buyer"),
		chromedp.SendKeys(css("#i-desc1"), "Green tea"), chromedp.SendKeys(css("#i-amount1"), "7.25"),
		chromedp.SendKeys(css("#i-desc2"), "Teapot"), chromedp.SendKeys(css("#i-amount2"), "30"))
	screenshot(t, ctx, "dashboard-invoice-new-360")
	do(t, ctx, chromedp.Click(css("#create-invoice")))
	waitFor(t, ctx, "#invoice-link")
	if link := eval[string](t, ctx, `document.querySelector("#invoice-link").textContent`); !strings.HasPrefix(link, e.url+"/i/") {
		t.Fatalf("payment link %q", link)
	}
	if total := eval[string](t, ctx, `document.querySelector("#invoice-total").textContent`); total != "USD 37.25" {
		t.Fatalf("total %q", total)
	}
	// The link's QR code, for a printed invoice, loads beside it.
	if w := eval[float64](t, ctx, `(() => { const i = document.querySelector("#invoice-qr"); return i && i.complete ? i.naturalWidth : -1 })()`); w != 256 {
		t.Fatalf("the payment link's QR code is %v px wide (not loaded?)", w)
	}
	narrow("the invoice page")
	screenshot(t, ctx, "dashboard-invoice-360")
	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/invoices"))
	waitFor(t, ctx, "#invoices")
	narrow("the invoice list")

	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/password"))
	waitFor(t, ctx, "#password-form")
	narrow("the password page")

	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/customers"))
	waitFor(t, ctx, "#customers")
	narrow("the customer list")
	do(t, ctx, chromedp.Click(css("a.customer-link")))
	waitFor(t, ctx, "#saved-cards")
	if card := eval[string](t, ctx, `document.querySelector(".saved-card").textContent`); !strings.Contains(card, "424242••••••4242") {
		t.Fatalf("saved card %q", card)
	}
	narrow("the customer page")
	screenshot(t, ctx, "dashboard-customer-360")
	do(t, ctx, chromedp.Click(css("#delete-"+pm)))
	waitFor(t, ctx, "#confirm-form")
	narrow("the confirmation")
	do(t, ctx, chromedp.Click(css("#confirm-button")))
	waitFor(t, ctx, "#no-cards")
	if n := len(e.api("GET", "/v1/customers/"+cus+"/payment-methods", "")["data"].([]any)); n != 0 {
		t.Fatalf("%d cards left", n)
	}

	for _, c := range []struct{ path, sel string }{{"/dashboard/payouts", "#payouts"}, {"/dashboard/subscriptions", "#subscriptions"}} {
		do(t, ctx, chromedp.Navigate(e.url+c.path))
		waitFor(t, ctx, c.sel)
		narrow(c.path)
	}
	screenshot(t, ctx, "dashboard-subscriptions-360")
	do(t, ctx, chromedp.Click(css("a.subscription-link")))
	waitFor(t, ctx, "#pause-button")
	narrow("the subscription page")

	do(t, ctx, chromedp.Navigate(e.url+"/dashboard/webhooks"))
	waitFor(t, ctx, "#endpoint-form")
	do(t, ctx, chromedp.SendKeys(css("#ep-url"), "https://shop.test/more-hooks"), chromedp.Click(css("details.types summary")),
		chromedp.Click(css(`input[value="invoice.paid"]`)), chromedp.Click(css("#add-endpoint")))
	waitFor(t, ctx, "#new-endpoint")
	narrow("the webhooks page with a new endpoint")
	screenshot(t, ctx, "dashboard-webhooks-360")
	do(t, ctx, chromedp.Click(css("a.edit-endpoint")))
	waitFor(t, ctx, "#endpoint-edit")
	narrow("the endpoint page")
}
