package ottu_test

import (
	"bytes"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	qrenc "github.com/skip2/go-qrcode"
)

// scan fetches a QR code image and reads it as a phone's camera would.
// The test decoder (gozxing) misses about one code in a hundred that other
// readers read; then the image must be exactly the code of want.
func (g *gateway) scan(qrURL, want string) string {
	g.t.Helper()
	req, _ := http.NewRequest("GET", qrURL, nil)
	r := do(g.t, req)
	if r.status != 200 || r.header.Get("Content-Type") != "image/png" {
		g.t.Fatalf("QR code %s: %d %q", qrURL, r.status, r.header.Get("Content-Type"))
	}
	img, err := png.Decode(strings.NewReader(r.body))
	if err != nil {
		g.t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err == nil {
		return res.GetText()
	}
	if exact, _ := qrenc.Encode(want, qrenc.Medium, img.Bounds().Dx()); bytes.Equal(exact, []byte(r.body)) {
		return want
	}
	g.t.Fatalf("no QR code of %q in %s: %v", want, qrURL, err)
	return ""
}

// TestGenerateQRCode: generate_qr_code answers a qr_code_url whose code,
// scanned, is the session's checkout_url, which the payer pays; a session
// without it has none until an update asks for one.
func TestGenerateQRCode(t *testing.T) {
	g := newGateway(t)
	c := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"e_commerce","amount":"2.750","currency_code":"KWD","pg_codes":["knet"],"generate_qr_code":true}`).json(t)
	qr, _ := c["qr_code_url"].(string)
	if qr == "" || c["generate_qr_code"] != true {
		t.Fatalf("created without a QR code: %v", c)
	}
	if pm := c["payment_methods"].([]any)[0].(map[string]any); pm["code"] != "knet" || pm["name"] != "KNET" {
		t.Fatalf("payment method named %v (%v), want its configuration's name KNET", pm["name"], pm["code"])
	}
	if got := g.scan(qr, c["checkout_url"].(string)); got != c["checkout_url"] {
		t.Fatalf("the QR code reads %q, checkout_url is %v", got, c["checkout_url"])
	}
	if r := g.pay(g.scan(qr, c["checkout_url"].(string)), "4242424242424242"); r.status >= 400 {
		t.Fatalf("paying the scanned page: %d %s", r.status, r.body)
	}
	got := g.call("GET", "/b/checkout/v1/pymt-txn/"+c["session_id"].(string)+"/", "").json(t)
	if got["state"] != "paid" || got["qr_code_url"] != qr {
		t.Fatalf("after paying: state %v, qr_code_url %v", got["state"], got["qr_code_url"])
	}

	plain := g.call("POST", "/b/checkout/v1/pymt-txn/", `{"type":"payment_request","amount":"1.000","currency_code":"KWD","pg_codes":["knet"]}`).json(t)
	if _, ok := plain["qr_code_url"]; ok {
		t.Fatalf("a session that asked for no QR code shows %v", plain["qr_code_url"])
	}
	sid := plain["session_id"].(string)
	if r := g.call("PATCH", "/b/checkout/v1/pymt-txn/"+sid+"/", `{"generate_qr_code":true}`); r.status != 200 {
		t.Fatalf("PATCH generate_qr_code: %d %s", r.status, r.body)
	}
	patched := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t)
	if qr, _ := patched["qr_code_url"].(string); qr == "" || g.scan(qr, plain["checkout_url"].(string)) != plain["checkout_url"] {
		t.Fatalf("after PATCH: %v", patched["qr_code_url"])
	}
	// A PUT replaces the whole request: without generate_qr_code, no code.
	if r := g.call("PUT", "/b/checkout/v1/pymt-txn/"+sid+"/", `{"type":"payment_request","amount":"1.000","currency_code":"KWD","pg_codes":["knet"]}`); r.status != 200 {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	if put := g.call("GET", "/b/checkout/v1/pymt-txn/"+sid+"/", "").json(t); put["qr_code_url"] != nil {
		t.Fatalf("after a PUT without generate_qr_code: %v", put["qr_code_url"])
	}
	// The code's URL is never kept in a payment's metadata (it carries the token).
	p, _, err := g.eng.GetPayment(t.Context(), g.actor, got["reference_number"].(string))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range p.Metadata {
		if strings.Contains(v, "/checkout/qr/") {
			t.Fatalf("payment metadata %s holds the QR code's URL", k)
		}
	}
}
