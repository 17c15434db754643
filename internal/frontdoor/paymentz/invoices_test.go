package paymentz_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

func TestInvoiceServiceGenerateInquireCancel(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	post := func(path string, form url.Values) resp {
		t.Helper()
		req, _ := http.NewRequest("POST", e.srv.URL+"/invoiceServices/REST/v1"+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("AuthToken", tok)
		hr, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer hr.Body.Close()
		b, _ := io.ReadAll(hr.Body)
		return resp{status: hr.StatusCode, header: hr.Header, body: b}
	}
	gen := url.Values{"description": {"Room 12, 2 nights"}, "amount": {"240.00"}, "currency": {"EUR"}, "redirectUrl": {"https://hotel.example/back"},
		"custEmail": {"guest@example.com"}, "custName": {"Ana Lima"},
		"authentication.checksum": {paymentz.Checksum(e.member, e.key, "Room 12, 2 nights", "240.00", "https://hotel.example/back")}}
	r := post("/generate", gen)
	m := r.json(t)
	invoice, _ := m["invoice"].(map[string]any)
	if r.status != 200 || r.code(t) != "00010" || invoice["status"] != "open" || !strings.Contains(invoice["paymentUrl"].(string), "/i/") || invoice["amount"] != "240.00" {
		t.Fatalf("generate: %d %s", r.status, r.body)
	}
	no := invoice["invoiceno"].(string)
	bad := url.Values{"description": gen["description"], "amount": {"24.00"}, "currency": {"EUR"}, "redirectUrl": gen["redirectUrl"], "authentication.checksum": gen["authentication.checksum"]}
	if r := post("/generate", bad); r.code(t) != "70001" {
		t.Fatalf("an amount the checksum does not cover: %s", r.body)
	}
	op := func(path string) resp {
		return post(path, url.Values{"invoiceno": {no}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, no)}})
	}
	if r := op("/inquiry"); r.code(t) != "00014" || r.json(t)["invoice"].(map[string]any)["status"] != "open" {
		t.Fatalf("inquiry: %s", r.body)
	}
	if r := op("/cancel"); r.code(t) != "00011" || r.json(t)["invoice"].(map[string]any)["status"] != "canceled" {
		t.Fatalf("cancel: %s", r.body)
	}
}
