package web_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	qrenc "github.com/skip2/go-qrcode"
)

// scanQR reads a QR code image the way a phone's camera would. The test
// decoder (gozxing) misses about one code in a hundred that other readers
// (zbar) read; when it does, the image must be exactly the code of want.
func scanQR(t *testing.T, body, want string) (string, image.Rectangle) {
	t.Helper()
	img, err := png.Decode(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err == nil {
		return res.GetText(), img.Bounds()
	}
	if exact, _ := qrenc.Encode(want, qrenc.Medium, img.Bounds().Dx()); bytes.Equal(exact, []byte(body)) {
		return want, img.Bounds()
	}
	t.Fatalf("no QR code of %q in the image: %v", want, err)
	return "", image.Rectangle{}
}

// TestACheckoutQRCodeOpensItsPage: a session's qr_code_url is an image whose
// QR code, scanned, is the session's hosted page, which then opens; any size
// from 64 to 1024 px; a token that opens no session gets no image.
func TestACheckoutQRCodeOpensItsPage(t *testing.T) {
	g := newGateway(t)
	m := g.api("POST", "/v1/checkout/sessions", `{"amount":1250,"currency":"EUR","description":"Table 4","success_url":"https://shop.test/ok"}`)
	pageURL, _ := m["url"].(string)
	qrURL, _ := m["qr_code_url"].(string)
	if pageURL == "" || !strings.HasPrefix(qrURL, g.url+"/checkout/qr/ct_") {
		t.Fatalf("session answer: url %q, qr_code_url %q", pageURL, qrURL)
	}
	resp, body := fetch(t, "GET", qrURL, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("QR code: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	text, bounds := scanQR(t, body, pageURL)
	if text != pageURL {
		t.Fatalf("the QR code reads %q, the page is %q", text, pageURL)
	}
	if bounds.Dx() != 256 || bounds.Dy() != 256 {
		t.Errorf("default size %v, want 256 px", bounds)
	}
	if resp, page := fetch(t, "GET", text, nil); resp.StatusCode != 200 || !strings.Contains(page, "Table 4") {
		t.Fatalf("the scanned link answers %d without the session's page", resp.StatusCode)
	}
	resp, body = fetch(t, "GET", qrURL+"?size=600", nil)
	if text, bounds := scanQR(t, body, pageURL); resp.StatusCode != 200 || text != pageURL || bounds.Dx() != 600 {
		t.Fatalf("size=600: %d, reads %q, %v", resp.StatusCode, text, bounds)
	}
	for _, bad := range []string{"10", "2000", "big", "-5"} {
		if resp, body := fetch(t, "GET", qrURL+"?size="+bad, nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "size") {
			t.Errorf("size=%s: %d %q", bad, resp.StatusCode, body)
		}
	}
	resp, body = fetch(t, "GET", g.url+"/checkout/qr/ct_nope", nil)
	if resp.StatusCode != http.StatusNotFound || bytes.HasPrefix([]byte(body), []byte("\x89PNG")) {
		t.Fatalf("unknown token: %d", resp.StatusCode)
	}
	// Shown once, with the token: a later read of the session has neither.
	if s := g.api("GET", "/v1/checkout/sessions/"+m["id"].(string), ""); s["qr_code_url"] != nil || s["url"] != nil {
		t.Fatalf("a read of the session shows %v / %v", s["url"], s["qr_code_url"])
	}
}

// TestChromiumShowsTheCheckoutQRCode: the image a kiosk or till would put
// on screen loads in a real browser at the size asked for.
func TestChromiumShowsTheCheckoutQRCode(t *testing.T) {
	g := newGateway(t)
	m := g.api("POST", "/v1/checkout/sessions", `{"amount":990,"currency":"USD","success_url":"https://shop.test/ok"}`)
	ctx := browser(t, 800, 600)
	do(t, ctx, chromedp.Navigate(m["qr_code_url"].(string)+"?size=320"))
	waitFor(t, ctx, "img")
	if w := eval[int](t, ctx, `(() => { const i = document.images[0]; return i.complete ? i.naturalWidth : -1 })()`); w != 320 {
		t.Fatalf("Chromium shows the QR code %d px wide, want 320", w)
	}
}

// TestAnInvoiceQRCodeIsItsPaymentLink: a new invoice's
// payment_link_qr_code_url scans as its payment link; showing the code
// starts nothing (no checkout until the link itself is opened), and the
// scanned link opens the invoice's checkout.
func TestAnInvoiceQRCodeIsItsPaymentLink(t *testing.T) {
	g := newGateway(t)
	inv := g.api("POST", "/v1/invoices", `{"customer_email":"bo@example.com","currency":"USD","due_date":"2030-01-01","send":false,
		"line_items":[{"description":"Room 12, two nights","quantity":2,"unit_amount":8900}]}`)
	qrURL, _ := inv["payment_link_qr_code_url"].(string)
	if !strings.HasPrefix(qrURL, g.url+"/i/qr/il_") {
		t.Fatalf("invoice answer: %v", inv)
	}
	resp, body := fetch(t, "GET", qrURL, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR code: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	link, _ := scanQR(t, body, inv["payment_link"].(string))
	if link != inv["payment_link"] {
		t.Fatalf("the QR code reads %q, the payment link is %v", link, inv["payment_link"])
	}
	if l := g.api("GET", "/v1/checkout/sessions", ""); len(l["data"].([]any)) != 0 {
		t.Fatalf("showing the QR code started a checkout: %v", l["data"])
	}
	resp, _ = fetch(t, "GET", link, nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), g.url+"/checkout/ct_") {
		t.Fatalf("the scanned link: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := fetch(t, "GET", g.url+"/i/qr/il_nope", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown invoice token: %d", resp.StatusCode)
	}
	if got := g.api("GET", "/v1/invoices/"+inv["id"].(string), ""); got["payment_link_qr_code_url"] != nil {
		t.Fatal("a read of the invoice shows its QR code")
	}
}

// TestAnInvoiceLinkWhoseCurrencyIsNoLongerTakenSaysSo: after the merchant's
// configurations stop accepting an open invoice's currency, its link tells
// the payer it cannot be paid online (409), not a server error.
func TestAnInvoiceLinkWhoseCurrencyIsNoLongerTakenSaysSo(t *testing.T) {
	g := newGateway(t)
	inv := g.api("POST", "/v1/invoices", `{"customer_email":"bo@example.com","currency":"USD","due_date":"2030-01-01","send":false,
		"line_items":[{"description":"Room 12","quantity":1,"unit_amount":8900}]}`)
	ar := g.api("POST", "/v1/invoices", `{"customer_email":"bo@example.com","currency":"USD","due_date":"2030-01-01","send":false,"locale":"ar",
		"line_items":[{"description":"Room 12","quantity":1,"unit_amount":8900}]}`)
	if c := g.api("POST", "/v1/payment-method-configs", `{"code":"kwd-only","name":"KWD","connector":"sandbox","accepted_currencies":["KWD"]}`); c["id"] == nil {
		t.Fatalf("config: %v", c)
	}
	resp, body := fetch(t, "GET", inv["payment_link"].(string), nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "cannot be paid online") {
		t.Fatalf("the link: %d\n%s", resp.StatusCode, body)
	}
	// An Arabic invoice's page says it in Arabic, right to left.
	resp, body = fetch(t, "GET", ar["payment_link"].(string), nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "لا يمكن دفع هذه الفاتورة") || !strings.Contains(body, `dir="rtl"`) {
		t.Fatalf("the Arabic invoice's link: %d\n%s", resp.StatusCode, body)
	}
}
