package stripe_test

import (
	"net/http/httptest"
	"testing"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/conformancetest"
	"github.com/paygate/paygate/internal/connector/stripe"
	"github.com/paygate/paygate/internal/connector/stripe/stripefake"
)

const testKey = "sk_test_paygate"

func testCard(number string) connector.Card {
	return connector.Card{Number: number, ExpMonth: 12, ExpYear: 2034, CVC: "123", Holder: "Ada Lovelace", Brand: "visa"}
}

// startFake runs a fake Stripe and a connector pointed at it.
func startFake(t *testing.T) (*stripefake.Fake, *stripe.Connector) {
	t.Helper()
	fake := stripefake.New(testKey)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, stripe.New(stripe.Config{BaseURL: srv.URL, SecretKey: testKey, HTTPClient: srv.Client()})
}

func TestMeetsTheConnectorContract(t *testing.T) {
	fake, conn := startFake(t)
	conformancetest.Run(t, conn, conformancetest.Cards{
		Approve:       testCard("4242424242424242"),
		Decline:       testCard("4000000000009995"),
		DeclineCode:   "insufficient_funds",
		ActThenStall:  func(*testing.T) { fake.ActThenStall() },
		RefundsRepeat: true,
	})
}
