package paymentz_test

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

// FuzzParseRequest: any error is fine; a panic, or a parameter that is not
// valid UTF-8 or that the body did not contain, is not.
func FuzzParseRequest(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", "authentication.memberId=11344&amount=50.00&card.number=4242424242424242")
	f.Add("application/json", `{"authentication":{"memberId":11344,"checksum":"b4fe08db15b839f25ecb179e994dfdce"},"amount":50.00,"card":{"number":"4242"}}`)
	f.Add("application/json", `{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}`)
	f.Add("application/json", `{"a":[1,2]}`)
	f.Add("", `{"a":null,"b":true}`)
	f.Add("application/x-www-form-urlencoded", "a=1&a=2&%zz=1")
	f.Fuzz(func(t *testing.T, contentType, body string) {
		req, err := paymentz.ParseRequest(contentType, []byte(body))
		if err != nil {
			return
		}
		if len(req) > 200 {
			t.Fatalf("%d parameters accepted", len(req))
		}
		for k, v := range req {
			if k == "" || !utf8.ValidString(k) || !utf8.ValidString(v) {
				t.Fatalf("bad parameter %q=%q", k, v)
			}
		}
	})
}

// FuzzPaymentID: NativeID never panics and only answers ids PaymentID maps back.
func FuzzPaymentID(f *testing.F) {
	f.Add("2080351657285476183520364658741575454")
	f.Add("0")
	f.Add("340282366920938463463374607431768211455")
	f.Fuzz(func(t *testing.T, s string) {
		if n := paymentz.NativeID(s); n != "" && paymentz.PaymentID(n) != s {
			t.Fatalf("%q -> %q -> %q", s, n, paymentz.PaymentID(n))
		}
	})
}

// FuzzVerifyToken: no input verifies without the key.
func FuzzVerifyToken(f *testing.F) {
	f.Add("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.AAAA")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		if _, err := paymentz.VerifyToken([]byte("k"), tok, time.Unix(0, 0)); err == nil {
			t.Fatalf("%q verified", tok)
		}
	})
}
