package stripe

import (
	"errors"
	"regexp"
	"testing"

	"github.com/paygate/paygate/internal/connector"
)

var longDigits = regexp.MustCompile(`\d{13,}`)

// FuzzParse feeds arbitrary answers to the parser: any error is fine, a
// panic, an unclassified error or an unmasked card number is not.
func FuzzParse(f *testing.F) {
	seeds := []struct {
		status int
		body   string
	}{
		{200, `{"id":"pi_1","object":"payment_intent","status":"succeeded","amount":1000,"amount_received":1000,"currency":"usd","metadata":{"paygate_payment_id":"pay_1"}}`},
		{200, `{"id":"pi_1","status":"requires_action","next_action":{"type":"redirect_to_url","redirect_to_url":{"url":"https://hooks.stripe.com/x"}}}`},
		{200, `{"id":"pi_1","status":"requires_payment_method","last_payment_error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline"}}`},
		{200, `{"object":"search_result","data":[{"id":"pi_1","status":"requires_capture","amount_capturable":5}],"has_more":false}`},
		{200, `{"object":"list","data":[{"id":"re_1","status":"succeeded","metadata":{"paygate_operation_id":"re_x"}}],"has_more":true}`},
		{402, `{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"4000000000009995","payment_intent":{"id":"pi_1"}}}`},
		{400, `{"error":{"type":"invalid_request_error","code":"parameter_missing","param":"amount"}}`},
		{401, `{"error":{"type":"invalid_request_error","message":"Invalid API Key"}}`},
		{429, ``}, {500, `not json`}, {503, `{"error":null}`}, {200, `null`}, {402, `{"error":{"payment_intent":null}}`},
	}
	for _, s := range seeds {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		r := response{status: status, body: body}
		for _, v := range []any{&paymentIntent{}, &refund{}, &list[paymentIntent]{}, &list[refund]{}} {
			dec, err := parse(r, v)
			if err != nil {
				var ce *connector.Error
				if !errors.As(err, &ce) || ce.Class == "" || dec != nil {
					t.Fatalf("unclassified: %v %v", err, dec)
				}
				if longDigits.MatchString(ce.Message) {
					t.Fatalf("card-like digits in %q", ce.Message)
				}
				continue
			}
			if dec != nil {
				if dec.Outcome != connector.Declined || longDigits.MatchString(dec.Message) {
					t.Fatalf("%+v", dec)
				}
				continue
			}
			if pi, ok := v.(*paymentIntent); ok {
				res := intentResult(pi)
				if res.Outcome == "" || longDigits.MatchString(res.Message) {
					t.Fatalf("%+v", res)
				}
			}
		}
	})
}
