package opentrade_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/frontdoor/opentrade"
)

// FuzzParseForm: any query either is refused or parses to a form whose
// canonical parameters parse back to the same form.
func FuzzParseForm(f *testing.F) {
	f.Add(vendorSample().Encode())
	f.Add("PaymentID=1&UserID=2&Amount=1&Currency=840&SuccessUrl=http://a/&resultUrl=http://b/")
	f.Add("amount=1.5&AMOUNT=1.50&currency=978")
	f.Add("paymentid=%7C&userid=%00&amount=-0&currency=0643")
	f.Add("Amount=9223372036854775807&Currency=392")
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		form, err := opentrade.ParseForm(v)
		if err != nil {
			return
		}
		if form.Amount <= 0 || form.PaymentID == "" || form.UserID == "" || form.SuccessURL == "" || form.ResultURL == "" {
			t.Fatalf("accepted an incomplete form: %+v", form)
		}
		back, err := opentrade.ParseForm(form.Values())
		if err != nil || !reflect.DeepEqual(back, form) {
			t.Fatalf("%q parsed to %+v, its values %q parse to %+v (%v)", q, form, form.Values().Encode(), back, err)
		}
	})
}

// FuzzSignedCallFields: a signed call's fields either are refused or are
// text without "|" or control characters (so the canonical string is
// unambiguous), and a request rebuilt from them and signed reads back to
// the same canonical string and signature.
func FuzzSignedCallFields(f *testing.F) {
	f.Add(opentrade.RefundRequest{MemberID: "48213377", TransactionID: "pay_1", Amount: "100.05", Currency: "643", RefundID: "RF-1", Timestamp: "2025-03-01T10:05:00Z"}.Values("s").Encode())
	f.Add("memberid=1&MemberID=2")
	f.Add("TransactionID=a%7Cb&Signature=00")
	f.Add("RefundID=%00&amount=1e3")
	names := []string{"MemberID", "TransactionID", "PaymentID", "Amount", "Currency", "RefundID", "Timestamp"}
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		got, err := opentrade.CallFields(v, names...)
		if err != nil {
			return
		}
		for name, val := range got {
			if strings.ContainsAny(val, "|\x00\r\n") || len([]rune(val)) > 255 {
				t.Fatalf("accepted %s = %q", name, val)
			}
		}
		r := opentrade.RefundRequest{MemberID: got["MemberID"], TransactionID: got["TransactionID"], PaymentID: got["PaymentID"],
			Amount: got["Amount"], Currency: got["Currency"], RefundID: got["RefundID"], Timestamp: got["Timestamp"]}
		signed := r.Values("secret")
		back, err := opentrade.CallFields(signed, names...)
		if err != nil {
			t.Fatalf("a signed request of accepted fields is refused: %v", err)
		}
		r2 := opentrade.RefundRequest{MemberID: back["MemberID"], TransactionID: back["TransactionID"], PaymentID: back["PaymentID"],
			Amount: back["Amount"], Currency: back["Currency"], RefundID: back["RefundID"], Timestamp: back["Timestamp"]}
		if r2.Canonical() != r.Canonical() || back["Signature"] != opentrade.Sign("secret", r.Canonical()) {
			t.Fatalf("%q: %q != %q", q, r2.Canonical(), r.Canonical())
		}
	})
}
