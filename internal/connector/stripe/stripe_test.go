package stripe

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/stripe/stripefake"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
)

const pan = "4000000000009995"

func amountOf(minor int64, code string) money.Amount {
	return money.Amount{Minor: minor, Currency: money.MustLookup(code)}
}

func classOf(err error) connector.Class {
	var ce *connector.Error
	if errors.As(err, &ce) {
		return ce.Class
	}
	return ""
}

func TestErrorsMapToTheSharedClasses(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		class   connector.Class
		outcome connector.Outcome
		decline string
	}{
		{"a 402 card error is a decline with Stripe's decline code", 402, `{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds.","payment_intent":{"id":"pi_1","status":"requires_payment_method"}}}`, "", connector.Declined, "insufficient_funds"},
		{"a 402 without a decline code keeps the error code", 402, `{"error":{"type":"card_error","code":"expired_card","message":"Your card has expired."}}`, "", connector.Declined, "expired_card"},
		{"an authentication failure on 3-D Secure becomes authentication_failed", 402, `{"error":{"type":"card_error","code":"payment_intent_authentication_failure"}}`, "", connector.Declined, "authentication_failed"},
		{"a 400 is an invalid request", 400, `{"error":{"type":"invalid_request_error","code":"parameter_missing","param":"amount","message":"Missing required param: amount."}}`, connector.InvalidRequest, "", ""},
		{"an idempotency error is an invalid request", 400, `{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters"}}`, connector.InvalidRequest, "", ""},
		{"a 401 is an authentication failure", 401, `{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_****"}}`, connector.AuthFailed, "", ""},
		{"a 403 is an authentication failure", 403, `{"error":{"type":"invalid_request_error"}}`, connector.AuthFailed, "", ""},
		{"a 429 is rate limited", 429, `{"error":{"type":"invalid_request_error","code":"rate_limit"}}`, connector.RateLimited, "", ""},
		{"a 409 leaves the outcome unknown (a request with the same key is in flight)", 409, `{"error":{"type":"idempotency_error"}}`, connector.Timeout, "", ""},
		{"a 500 leaves the outcome unknown, as Stripe documents", 500, `{"error":{"type":"api_error"}}`, connector.Timeout, "", ""},
		{"a 503 was not processed", 503, `<html>unavailable</html>`, connector.Unavailable, "", ""},
		{"an unreadable 200 leaves the outcome unknown", 200, `{"id":`, connector.Timeout, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c := New(Config{BaseURL: srv.URL, SecretKey: "sk_test_x"})
			res, err := c.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: amountOf(1000, "USD"), Card: connector.Card{Number: pan, ExpMonth: 1, ExpYear: 2035, CVC: "987"}})
			if classOf(err) != tc.class || (err == nil) != (tc.class == "") {
				t.Fatalf("error %v, want class %q", err, tc.class)
			}
			if res.Outcome != tc.outcome || res.DeclineCode != tc.decline {
				t.Fatalf("result %+v", res)
			}
		})
	}
	t.Run("a refused connection was not processed", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		_, err := New(Config{BaseURL: srv.URL, SecretKey: "sk_test_x"}).Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: "pay_1", Amount: amountOf(100, "USD"), Card: connector.Card{Number: "pm_card_visa"}})
		if classOf(err) != connector.Unavailable || !connector.Retryable(err) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("a deadline passing leaves the outcome unknown", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // the server notices a closed connection only once the body is read
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}))
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := New(Config{BaseURL: srv.URL, SecretKey: "sk_test_x"}).Authorize(ctx, connector.AuthorizeRequest{PaymentID: "pay_1", Amount: amountOf(100, "USD"), Card: connector.Card{Number: "pm_card_visa"}})
		if !connector.OutcomeUnknown(err) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("a status lookup of an unknown PaymentIntent is not found", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			w.Write([]byte(`{"error":{"type":"invalid_request_error","code":"resource_missing"}}`))
		}))
		defer srv.Close()
		res, err := New(Config{BaseURL: srv.URL, SecretKey: "sk_test_x"}).Status(context.Background(), connector.StatusRequest{ProcessorRef: "pi_gone"})
		if err != nil || res.Outcome != connector.NotFound {
			t.Fatalf("%+v %v", res, err)
		}
	})
}

func TestStatusesMapAsDocumented(t *testing.T) {
	cases := []struct {
		pi      paymentIntent
		outcome connector.Outcome
		capt    bool
	}{
		{paymentIntent{ID: "pi_1", Status: "succeeded", AmountReceived: 500, Currency: "usd"}, connector.Approved, true},
		{paymentIntent{ID: "pi_1", Status: "requires_capture", AmountCapturable: 500, Currency: "usd"}, connector.Approved, false},
		{paymentIntent{ID: "pi_1", Status: "processing"}, connector.Pending, false},
		{paymentIntent{ID: "pi_1", Status: "requires_confirmation"}, connector.Pending, false},
		{paymentIntent{ID: "pi_1", Status: "requires_action"}, connector.ActionRequired, false},
		{paymentIntent{ID: "pi_1", Status: "requires_payment_method", LastPaymentError: &apiError{Code: "card_declined", DeclineCode: "lost_card"}}, connector.Declined, false},
		{paymentIntent{ID: "pi_1", Status: "canceled"}, connector.Declined, false},
	}
	for _, tc := range cases {
		t.Run(tc.pi.Status, func(t *testing.T) {
			res := intentResult(&tc.pi)
			if res.Outcome != tc.outcome || res.Captured != tc.capt || res.ProcessorRef != "pi_1" {
				t.Fatalf("%+v", res)
			}
		})
	}
}

func TestFactoryChecksTheSecretKey(t *testing.T) {
	cases := []struct {
		name string
		live bool
		cred map[string]string
		ok   bool
	}{
		{"a test key for a test configuration is accepted", false, map[string]string{"secret_key": "sk_test_abc"}, true},
		{"a live key for a live configuration is accepted", true, map[string]string{"secret_key": "sk_live_abc"}, true},
		{"a missing key is refused", false, map[string]string{}, false},
		{"a live key for a test configuration is refused", false, map[string]string{"secret_key": "sk_live_abc"}, false},
		{"a test key for a live configuration is refused", true, map[string]string{"secret_key": "sk_test_abc"}, false},
		{"a publishable key is refused", false, map[string]string{"secret_key": "pk_test_abc"}, false},
		{"a bare prefix is refused", false, map[string]string{"secret_key": "sk_test_"}, false},
		{"a malformed base URL is refused", false, map[string]string{"secret_key": "sk_test_abc", "base_url": "ftp:/x"}, false},
		{"a base URL replaces Stripe's", false, map[string]string{"secret_key": "sk_test_abc", "base_url": "http://127.0.0.1:12111"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Factory(connector.Settings{Live: tc.live, Credentials: tc.cred})
			if tc.ok {
				if err != nil || c.Name() != "stripe" {
					t.Fatalf("%v", err)
				}
				return
			}
			var ce *connector.Error
			if !errors.As(err, &ce) || ce.Class != connector.InvalidRequest || ce.Code != "credentials_invalid" {
				t.Fatalf("%v", err)
			}
			field := "secret_key"
			if tc.cred["base_url"] != "" {
				field = "base_url"
			}
			if !strings.Contains(ce.Message, field) || strings.Contains(ce.Message, "abc") {
				t.Fatalf("message %q must name %s and not show the key", ce.Message, field)
			}
		})
	}
	t.Run("a live payment through a test key is refused before any call", func(t *testing.T) {
		_, err := New(Config{BaseURL: "http://127.0.0.1:1", SecretKey: "sk_test_x"}).Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: "pay_1", Live: true, Amount: amountOf(100, "USD")})
		if classOf(err) != connector.InvalidRequest {
			t.Fatalf("%v", err)
		}
	})
}

func TestAmountsFollowStripesCurrencyRules(t *testing.T) {
	cases := []struct {
		name   string
		amount money.Amount
		want   int64
		ok     bool
	}{
		{"two-decimal currencies pass unchanged", amountOf(1234, "USD"), 1234, true},
		{"zero-decimal currencies pass unchanged", amountOf(500, "JPY"), 500, true},
		{"three-decimal amounts ending in 0 pass", amountOf(5120, "KWD"), 5120, true},
		{"three-decimal amounts not ending in 0 are refused", amountOf(5124, "KWD"), 0, false},
		{"ISK is two-decimal at Stripe", amountOf(40, "ISK"), 4000, true},
		{"currencies Stripe does not take are refused", amountOf(1000, "IQD"), 0, false},
		{"zero is refused", amountOf(0, "USD"), 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, cur, err := toStripe(tc.amount)
			if tc.ok != (err == nil) || got != tc.want {
				t.Fatalf("%d %s %v", got, cur, err)
			}
			if err == nil && (cur != strings.ToLower(tc.amount.Currency.Code) || fromStripe(got, cur) != tc.amount.Minor) {
				t.Fatalf("round trip %d %s", got, cur)
			}
			if err != nil && classOf(err) != connector.InvalidRequest {
				t.Fatalf("%v", err)
			}
		})
	}
}

// TestWireFormat checks what the connector sends, through a recorder in
// front of the fake: form encoding, keys, and the idempotency keys.
func TestWireFormat(t *testing.T) {
	fake := stripefake.New("sk_test_wire")
	srv := httptest.NewServer(fake)
	defer srv.Close()
	rec := &recorder{next: http.DefaultTransport}
	c := New(Config{BaseURL: srv.URL, SecretKey: "sk_test_wire", HTTPClient: &http.Client{Transport: rec}})
	ctx := context.Background()
	pid := id.New("pay")
	res, err := c.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, MerchantID: "mer_1", Amount: amountOf(1000, "EUR"), Description: "order 7",
		Card: connector.Card{Number: "4242 4242 4242 4242", ExpMonth: 3, ExpYear: 2031, CVC: "321", Holder: "Ada"}})
	if err != nil || res.Outcome != connector.Approved {
		t.Fatalf("%+v %v", res, err)
	}
	ex := rec.last()
	form, _ := url.ParseQuery(ex.body)
	want := map[string]string{"amount": "1000", "currency": "eur", "confirm": "true", "capture_method": "manual",
		"metadata[paygate_payment_id]": pid, "metadata[paygate_merchant_id]": "mer_1", "description": "order 7",
		"payment_method_types[]": "card", "payment_method_data[type]": "card", "payment_method_data[card][number]": "4242424242424242",
		"payment_method_data[card][exp_month]": "3", "payment_method_data[card][exp_year]": "2031", "payment_method_data[card][cvc]": "321",
		"payment_method_data[billing_details][name]": "Ada"}
	for k, v := range want {
		if form.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, form.Get(k), v)
		}
	}
	if ex.header.Get("Idempotency-Key") != pid || ex.header.Get("Content-Type") != "application/x-www-form-urlencoded" ||
		ex.header.Get("Authorization") != "Bearer sk_test_wire" {
		t.Fatalf("headers %v", ex.header)
	}

	t.Run("a repeat with the same payment id is the same PaymentIntent, and different parameters are refused", func(t *testing.T) {
		n := fake.Requests()
		again, err := c.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, MerchantID: "mer_1", Amount: amountOf(1000, "EUR"), Description: "order 7",
			Card: connector.Card{Number: "4242424242424242", ExpMonth: 3, ExpYear: 2031, CVC: "321", Holder: "Ada"}})
		if err != nil || again.ProcessorRef != res.ProcessorRef || fake.Requests() != n+1 {
			t.Fatalf("%+v %v", again, err)
		}
		_, err = c.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, Amount: amountOf(2000, "EUR"), Card: connector.Card{Number: "pm_card_visa"}})
		var ce *connector.Error
		if !errors.As(err, &ce) || ce.Class != connector.InvalidRequest || ce.Code != "idempotency_error" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("a capture sends the operation id as key and metadata", func(t *testing.T) {
		op := id.New("op")
		if _, err := c.Capture(ctx, connector.CaptureRequest{OperationID: op, ProcessorRef: res.ProcessorRef, Amount: amountOf(700, "EUR")}); err != nil {
			t.Fatal(err)
		}
		ex := rec.last()
		form, _ := url.ParseQuery(ex.body)
		if ex.path != "/v1/payment_intents/"+res.ProcessorRef+"/capture" || form.Get("amount_to_capture") != "700" ||
			form.Get("metadata[paygate_capture_operation_id]") != op || ex.header.Get("Idempotency-Key") != op {
			t.Fatalf("%s %s %v", ex.path, ex.body, ex.header)
		}
		if r, err := c.Status(ctx, connector.StatusRequest{PaymentID: pid, OperationID: op}); err != nil || r.Outcome != connector.Approved || !r.Captured {
			t.Fatalf("capture status %+v %v", r, err)
		}
		if _, err := c.Void(ctx, connector.VoidRequest{ProcessorRef: res.ProcessorRef}); classOf(err) != connector.InvalidRequest {
			t.Fatalf("cancel after capture: %v", err)
		}
	})
	t.Run("a refund sends the operation id as key and metadata", func(t *testing.T) {
		op := id.New("re")
		if _, err := c.Refund(ctx, connector.RefundRequest{PaymentID: pid, OperationID: op, ProcessorRef: res.ProcessorRef, Amount: amountOf(700, "EUR"), Reason: "duplicate"}); err != nil {
			t.Fatal(err)
		}
		ex := rec.last()
		form, _ := url.ParseQuery(ex.body)
		if form.Get("payment_intent") != res.ProcessorRef || form.Get("amount") != "700" || form.Get("reason") != "duplicate" ||
			form.Get("metadata[paygate_operation_id]") != op || ex.header.Get("Idempotency-Key") != op {
			t.Fatalf("%s %v", ex.body, ex.header)
		}
		_, err := c.Refund(ctx, connector.RefundRequest{OperationID: id.New("re"), ProcessorRef: res.ProcessorRef, Amount: amountOf(10, "EUR")})
		var ce *connector.Error
		if !errors.As(err, &ce) || ce.Code != "charge_already_refunded" {
			t.Fatalf("refund of a refunded payment: %v", err)
		}
	})
	t.Run("a void is found by status as the PaymentIntent's canceled state", func(t *testing.T) {
		p2 := id.New("pay")
		r, _ := c.Authorize(ctx, connector.AuthorizeRequest{PaymentID: p2, Amount: amountOf(300, "EUR"), Card: connector.Card{Number: "pm_card_visa"}})
		op := id.New("op")
		if v, err := c.Void(ctx, connector.VoidRequest{OperationID: op, ProcessorRef: r.ProcessorRef}); err != nil || v.Outcome != connector.Approved {
			t.Fatalf("%+v %v", v, err)
		}
		if s, err := c.Status(ctx, connector.StatusRequest{PaymentID: p2, OperationID: op}); err != nil || s.Outcome != connector.Approved {
			t.Fatalf("%+v %v", s, err)
		}
	})
	t.Run("3-D Secure answers action required with Stripe's redirect", func(t *testing.T) {
		r, err := c.Authorize(ctx, connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: amountOf(300, "EUR"), ReturnURL: "https://shop.example/back",
			Card: connector.Card{Number: "pm_card_authenticationRequired"}})
		if err != nil || r.Outcome != connector.ActionRequired || !strings.HasPrefix(r.ActionURL, "https://hooks.stripe.com/") {
			t.Fatalf("%+v %v", r, err)
		}
	})
	t.Run("a wrong key is an authentication failure", func(t *testing.T) {
		_, err := New(Config{BaseURL: srv.URL, SecretKey: "sk_test_other"}).Status(ctx, connector.StatusRequest{ProcessorRef: res.ProcessorRef})
		if classOf(err) != connector.AuthFailed {
			t.Fatalf("%v", err)
		}
	})
}

// TestNoCardDataInErrors sends a card number and CVC through every failure
// path and checks neither appears in any error or result.
func TestNoCardDataInErrors(t *testing.T) {
	const cvc = "987"
	bodies := []struct {
		status int
		body   string
	}{
		{400, `{"error":{"type":"invalid_request_error","message":"The card 4000000000009995 with cvc is wrong","param":"payment_method_data[card][number]"}}`},
		{402, `{"error":{"type":"card_error","code":"card_declined","message":"Card 4000 0000 0000 9995 declined"}}`},
		{500, `{"error":{"type":"api_error","message":"4000-0000-0000-9995"}}`},
		{401, `{}`},
	}
	for _, b := range bodies {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(b.status)
			w.Write([]byte(b.body))
		}))
		c := New(Config{BaseURL: srv.URL, SecretKey: "sk_test_x"})
		res, err := c.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: "pay_1", Amount: amountOf(100, "USD"),
			Card: connector.Card{Number: pan, ExpMonth: 1, ExpYear: 2035, CVC: cvc}})
		srv.Close()
		text := res.Message + " " + res.DeclineCode + " " + res.RawCode
		if err != nil {
			text += " " + err.Error()
		}
		digits := strings.NewReplacer(" ", "", "-", "").Replace(text)
		if strings.Contains(digits, pan) || strings.Contains(digits, "00000000") {
			t.Fatalf("card number leaked: %q", text)
		}
	}
	// The fake's answers, and a stalled call's error, carry no card data either.
	fake := stripefake.New("sk_test_x")
	srv := httptest.NewServer(fake)
	defer srv.Close()
	fake.ActThenStall()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := New(Config{BaseURL: srv.URL, SecretKey: "sk_test_x"}).Authorize(ctx, connector.AuthorizeRequest{PaymentID: "pay_2", Amount: amountOf(100, "USD"),
		Card: connector.Card{Number: pan, ExpMonth: 1, ExpYear: 2035, CVC: cvc}})
	if err == nil || strings.Contains(err.Error(), pan) || strings.Contains(err.Error(), "cvc") {
		t.Fatalf("%v", err)
	}
}
