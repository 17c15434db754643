package ottu

import (
	"testing"

	"github.com/paygate/paygate/internal/fault"
)

// The request parsers never panic and refuse only with field errors.
func FuzzParseRequests(f *testing.F) {
	f.Add([]byte(`{"type":"e_commerce","amount":"86.000","currency_code":"KWD","pg_codes":["knet"],"expiration_time":"1 00:00:00"}`))
	f.Add([]byte(`{"session_id":"cs_1","operation":"refund","amount":1.5}`))
	f.Add([]byte(`{"amount":[],"pg_codes":"x","payment_type":"auto_debit"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"order_no":"A-1","notify_webhook_url":true,"webhook_url":"https://s.test/h"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, partial := range []bool{false, true} {
			if _, err := ParseCheckoutRequest(b, partial); err != nil && fault.KindOf(err) != fault.Invalid {
				t.Fatalf("checkout: %v", err)
			}
		}
		if _, err := ParseOperationRequest(b); err != nil && fault.KindOf(err) != fault.Invalid {
			t.Fatalf("operation: %v", err)
		}
		if req, err := ParseInquiryRequest(b); err != nil && fault.KindOf(err) != fault.Invalid {
			t.Fatalf("inquiry: %v", err)
		} else if err == nil && req.OrderNo == "" && req.SessionID == "" {
			t.Fatalf("inquiry without order_no or session_id accepted: %q", b)
		}
		if _, err := ParseExpiration(string(b)); err != nil && fault.KindOf(err) != fault.Invalid {
			t.Fatalf("expiration: %v", err)
		}
	})
}

func TestExpirationFormat(t *testing.T) {
	for in, want := range map[string]string{"1 00:00:00": "1 00:00:00", "02:30:00": "0 02:30:00", "90": "0 00:01:30", "0 23:59:59": "0 23:59:59"} {
		d, err := ParseExpiration(in)
		if err != nil || FormatExpiration(d) != want {
			t.Errorf("%q: %v %v", in, FormatExpiration(d), err)
		}
	}
	for _, bad := range []string{"", "x", "1 2 3", "-1 00:00:00", "00:00:00:00"} {
		if _, err := ParseExpiration(bad); err == nil && bad != "" {
			t.Errorf("%q accepted", bad)
		}
	}
}
