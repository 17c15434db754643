package paytrace_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/paytrace"
	"github.com/paygate/paygate/internal/connector/paytrace/paytracefake"
	"github.com/paygate/paygate/internal/id"
)

func TestTestCardsGiveTheirOutcomes(t *testing.T) {
	_, conn := setup(t)
	cases := []struct {
		card    string
		outcome connector.Outcome
		decline string
		raw     string
	}{
		{paytracefake.ApproveCard, connector.Approved, "", "101"},
		{paytracefake.ApproveCardMastercard, connector.Approved, "", "101"},
		{paytracefake.DeclineCard, connector.Declined, "card_declined", "102"},
		{paytracefake.InsufficientFundsCard, connector.Declined, "insufficient_funds", "102"},
		{paytracefake.ExpiredCard, connector.Declined, "expired_card", "102"},
		{paytracefake.IncorrectCVCCard, connector.Declined, "incorrect_cvc", "102"},
		{paytracefake.AutoVoidCard, connector.Declined, "card_declined", "103"},
	}
	for _, tc := range cases {
		t.Run(tc.card+" is "+string(tc.outcome)+" "+tc.decline, func(t *testing.T) {
			pid := id.New("pay")
			res, err := conn.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: pid, Amount: usd(1000), Capture: true, Card: cardOf(tc.card)})
			if err != nil || res.Outcome != tc.outcome || res.DeclineCode != tc.decline || res.RawCode != tc.raw {
				t.Fatalf("%+v %v", res, err)
			}
			if tc.outcome == connector.Declined && res.Message == "" {
				t.Fatal("a decline without a message")
			}
			st, err := conn.Status(context.Background(), connector.StatusRequest{PaymentID: pid})
			if err != nil || st.Outcome != tc.outcome || st.DeclineCode != tc.decline {
				t.Fatalf("status disagrees: %+v %v", st, err)
			}
		})
	}
	t.Run("a card past its expiry is declined as expired", func(t *testing.T) {
		c := cardOf(paytracefake.ApproveCard)
		c.ExpYear = 2020
		res, err := conn.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(1000), Card: c})
		if err != nil || res.DeclineCode != "expired_card" {
			t.Fatalf("%+v %v", res, err)
		}
	})
}

func TestErrorsNeverShowTheCardNumberOrCVC(t *testing.T) {
	fake, conn := setup(t)
	fake.QuoteValues(true) // the fake quotes the bad value back, like a careless processor
	ctx := context.Background()
	const number = "4111111111111112" // fails Luhn
	cases := map[string]connector.Card{
		"an invalid card number":       {Number: number, ExpMonth: 12, ExpYear: 2031, CVC: "987"},
		"an invalid CVC":               {Number: paytracefake.ApproveCard, ExpMonth: 12, ExpYear: 2031, CVC: "98765"},
		"an invalid number and expiry": {Number: number, ExpMonth: 13, ExpYear: 1999, CVC: "987"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := conn.Authorize(ctx, connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100), Card: c})
			if classOf(err) != connector.InvalidRequest {
				t.Fatalf("err = %v", err)
			}
			if c.Number == number { // a vault refuses the same number (it takes no CVC)
				err2 := conn.CreateCustomer(ctx, id.New("cus"), c)
				if classOf(err2) != connector.InvalidRequest {
					t.Fatalf("create customer: %v", err2)
				}
				err = errors.Join(err, err2)
			}
			msg := err.Error()
			if strings.Contains(msg, c.Number) || strings.Contains(msg, c.CVC) {
				t.Fatalf("error shows card data: %s", msg)
			}
			if !strings.Contains(msg, "Please provide a valid") {
				t.Fatalf("error lost PayTrace's explanation: %s", msg)
			}
		})
	}
	if !strings.Contains(quotedNumberError(t, conn), "411111******1112") {
		t.Fatal("a quoted number is not masked to first six and last four")
	}
}

func quotedNumberError(t *testing.T, conn *paytrace.Connector) string {
	_, err := conn.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100),
		Card: connector.Card{Number: "4111111111111112", ExpMonth: 12, ExpYear: 2031}})
	return err.Error()
}

func TestTransportFailuresAreClassified(t *testing.T) {
	status := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			w.Write([]byte(`{"access_token":"a:b:c","token_type":"bearer","expires_in":7200}`))
			return
		}
		w.WriteHeader(status)
		w.Write([]byte(`<html>busy</html>`))
	}))
	defer srv.Close()
	conn := paytrace.New(paytrace.Config{BaseURL: srv.URL, Username: "u", Password: "p", IntegratorID: "i"})
	for _, tc := range []struct {
		status int
		class  connector.Class
	}{
		// Only a 503 says PayTrace did nothing; a 500, 502 or 504 may
		// follow an authorization, so it must not be retried elsewhere.
		{500, connector.Timeout}, {502, connector.Timeout}, {504, connector.Timeout},
		{503, connector.Unavailable}, {429, connector.RateLimited}, {400, connector.InvalidRequest}, {200, connector.Timeout},
	} {
		status = tc.status
		_, err := conn.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100), Card: cardOf(paytracefake.ApproveCard)})
		if classOf(err) != tc.class {
			t.Errorf("HTTP %d: %v, want %s", tc.status, err, tc.class)
		}
		if tc.status >= 500 && tc.status != 503 && (connector.Retryable(err) || !connector.OutcomeUnknown(err)) {
			t.Errorf("HTTP %d may follow an authorization, yet it is retryable or not unknown: %v", tc.status, err)
		}
	}
	srv.Close()
	_, err := paytrace.New(paytrace.Config{BaseURL: srv.URL, Username: "u", Password: "p", IntegratorID: "i"}).
		Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100), Card: cardOf(paytracefake.ApproveCard)})
	if classOf(err) != connector.Unavailable || !connector.Retryable(err) {
		t.Errorf("connection refused: %v, want unavailable", err)
	}
}

func TestFactoryReadsTheConfigurationsCredentials(t *testing.T) {
	fake := paytracefake.New()
	t.Cleanup(fake.Close)
	full := map[string]string{"username": paytracefake.Username, "password": paytracefake.Password,
		"integrator_id": paytracefake.IntegratorID, "base_url": fake.URL}
	c, err := paytrace.Factory(connector.Settings{ConfigID: "cfg_1", Code: "paytrace", Credentials: full})
	if err != nil || c.Name() != "paytrace" {
		t.Fatalf("%v %v", c, err)
	}
	if _, err := c.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100), Card: cardOf(paytracefake.ApproveCard)}); err != nil {
		t.Fatalf("a factory-built connector cannot pay: %v", err)
	}
	for _, key := range []string{"username", "password", "integrator_id"} {
		t.Run("without "+key+" it is refused naming "+key, func(t *testing.T) {
			creds := map[string]string{}
			for k, v := range full {
				if k != key {
					creds[k] = v
				}
			}
			_, err := paytrace.Factory(connector.Settings{Credentials: creds})
			var ce *connector.Error
			if !errors.As(err, &ce) || ce.Class != connector.InvalidRequest || ce.Code != "credentials_invalid" || !strings.Contains(ce.Message, key) {
				t.Fatalf("err = %v", err)
			}
		})
	}
	t.Run("customer_per_payment is true or false", func(t *testing.T) {
		creds := map[string]string{"customer_per_payment": "yes"}
		for k, v := range full {
			creds[k] = v
		}
		if _, err := paytrace.Factory(connector.Settings{Credentials: creds}); err == nil || !strings.Contains(err.Error(), "customer_per_payment") {
			t.Fatalf("err = %v", err)
		}
		creds["customer_per_payment"] = "true"
		c, err := paytrace.Factory(connector.Settings{Credentials: creds})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100), Card: cardOf(paytracefake.ApproveCard)}); err != nil {
			t.Fatal(err)
		}
		if n := fake.Count("/v1/transactions/authorization/by_customer"); n != 1 {
			t.Fatalf("%d by_customer authorizations, want 1", n)
		}
	})
	t.Run("a base_url that is not a URL is refused", func(t *testing.T) {
		creds := map[string]string{"username": "u", "password": "p", "integrator_id": "i", "base_url": "ftp:/x"}
		if _, err := paytrace.Factory(connector.Settings{Credentials: creds}); err == nil || !strings.Contains(err.Error(), "base_url") {
			t.Fatalf("err = %v", err)
		}
	})
}
