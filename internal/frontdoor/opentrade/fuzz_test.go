package opentrade_test

import (
	"net/url"
	"reflect"
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
