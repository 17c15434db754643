package paytrace

import (
	"testing"

	"github.com/paygate/paygate/internal/connector"
)

func TestResponseCodesMapToOutcomesAndClasses(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		outcome connector.Outcome
		decline string
		class   connector.Class
		code    string
	}{
		{"101 approves", `{"success":true,"response_code":101,"status_message":"Your transaction was successfully approved.","transaction_id":123}`, connector.Approved, "", "", ""},
		{"an unknown success code still approves", `{"success":true,"response_code":199,"transaction_id":"123"}`, connector.Approved, "", "", ""},
		{"102 with NSF is insufficient funds", `{"success":false,"response_code":102,"status_message":"Your transaction was not approved.","approval_message":"  NSF - Insufficient funds","transaction_id":1}`, connector.Declined, "insufficient_funds", "", ""},
		{"102 expired", `{"success":false,"response_code":102,"approval_message":"EXPIRED CARD"}`, connector.Declined, "expired_card", "", ""},
		{"102 with a CSC mismatch", `{"success":false,"response_code":102,"approval_message":"DECLINE","csc_response":"No Match"}`, connector.Declined, "incorrect_cvc", "", ""},
		{"102 CVV2 text", `{"success":false,"response_code":102,"approval_message":"CVV2 MISMATCH"}`, connector.Declined, "incorrect_cvc", "", ""},
		{"102 otherwise", `{"success":false,"response_code":"102","approval_message":"DECLINE"}`, connector.Declined, "card_declined", "", ""},
		{"103 auto-voided", `{"success":false,"response_code":103,"status_message":"voided because your address and/or CSC did not match"}`, connector.Declined, "card_declined", "", ""},
		{"1 with errors", `{"success":false,"response_code":1,"errors":{"43":["Please provide a valid Expiration Month."],"35":["Please provide a valid Credit Card Number."]}}`, "", "", connector.InvalidRequest, "paytrace_error_35"},
		{"107 refund unsuccessful", `{"success":false,"response_code":107}`, "", "", connector.InvalidRequest, "refund_unsuccessful"},
		{"110 void unsuccessful", `{"success":false,"response_code":110}`, "", "", connector.InvalidRequest, "void_unsuccessful"},
		{"113 capture unsuccessful", `{"success":false,"response_code":113}`, "", "", connector.InvalidRequest, "capture_unsuccessful"},
		{"an unknown failure code", `{"success":false,"response_code":999}`, "", "", connector.InvalidRequest, "paytrace_999"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseResponse([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			res, err := authorizeResult(r, true, 1000, nil)
			if tc.class != "" {
				ce, ok := err.(*connector.Error)
				if !ok || ce.Class != tc.class || ce.Code != tc.code {
					t.Fatalf("err = %v, want %s %s", err, tc.class, tc.code)
				}
				return
			}
			if err != nil || res.Outcome != tc.outcome || res.DeclineCode != tc.decline {
				t.Fatalf("%+v %v", res, err)
			}
		})
	}
}

func FuzzParseResponse(f *testing.F) {
	for _, seed := range []string{
		`{"success":true,"response_code":101,"status_message":"Your transaction was successfully approved.","transaction_id":123456,"approval_code":"TAS123","approval_message":"  NO  MATCH - Approved and completed","avs_response":"No Match","csc_response":"Match"}`,
		`{"success":false,"response_code":102,"status_message":"Your transaction was not approved.","approval_message":"  NSF - Insufficient funds","transaction_id":"9"}`,
		`{"success":false,"response_code":1,"status_message":"One or more errors has occurred.","errors":{"35":["Please provide a valid Credit Card Number."]}}`,
		`{"error":"invalid_token","error_description":"The access token provided is expired"}`,
		`{"success":true,"transactions":[{"transaction_id":5,"transaction_type":"Sale","status":"Approved","amount":10.5,"captured_amount":"10.50","invoice_id":"pay_1","response_code":101}]}`,
		`{"success":true,"customers":[{"customer_id":"c1","credit_card":{"masked_number":"xxxxxxxxxxxx1111","expiration_month":"12","expiration_year":2031}}]}`,
		`{"clientKey":"abc"}`, `{"response_code":null,"errors":{"":[]}}`, `[]`, `null`, ``, `{"transaction_id":1e400}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := parseResponse(body)
		if err != nil {
			return
		}
		authorizeResult(r, false, 1, &cardData{cvc: "123"})
		followUpResult(r)
		requestError(r, nil)
		for _, tx := range r.Transactions {
			transactionResult(tx)
		}
	})
}

func TestRedactMasksCardNumbersAndTheCVC(t *testing.T) {
	got := redact("card 4111 1111 1111 1111 / 4111-1111-1111-1111 cvc 987 code 9870 ts 1987", &cardData{cvc: "987"})
	for _, leak := range []string{"4111 1111 1111 1111", "4111-1111-1111-1111", "cvc 987 "} {
		if contains(got, leak) {
			t.Fatalf("%q leaks %q", got, leak)
		}
	}
	if !contains(got, "9870") || !contains(got, "1987") {
		t.Fatalf("%q starred digits that are not the CVC", got)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
