package paytrace_test

import (
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/conformancetest"
	"github.com/paygate/paygate/internal/connector/paytrace"
	"github.com/paygate/paygate/internal/connector/paytrace/paytracefake"
	"github.com/paygate/paygate/internal/money"
)

// setup starts a fake PayTrace and a connector logged in to it.
func setup(t *testing.T) (*paytracefake.Server, *paytrace.Connector) {
	t.Helper()
	fake := paytracefake.New()
	t.Cleanup(fake.Close)
	return fake, paytrace.New(configFor(fake))
}

// setupCustomerPerPayment is setup with Config.CustomerPerPayment on; it
// returns the config too, for a second (restarted) connector.
func setupCustomerPerPayment(t *testing.T) (*paytracefake.Server, *paytrace.Connector, paytrace.Config) {
	t.Helper()
	fake := paytracefake.New()
	t.Cleanup(fake.Close)
	cfg := configFor(fake)
	cfg.CustomerPerPayment = true
	return fake, paytrace.New(cfg), cfg
}

func configFor(fake *paytracefake.Server) paytrace.Config {
	return paytrace.Config{BaseURL: fake.URL, Username: paytracefake.Username, Password: paytracefake.Password,
		IntegratorID: paytracefake.IntegratorID}
}

func cardOf(number string) connector.Card {
	return connector.Card{Number: number, ExpMonth: 12, ExpYear: 2031, CVC: "123", Holder: "Ada Lovelace"}
}

func usd(minor int64) money.Amount {
	return money.Amount{Minor: minor, Currency: money.MustLookup("USD")}
}

func TestMeetsTheConnectorContract(t *testing.T) {
	fake, conn := setup(t)
	conformancetest.Run(t, conn, conformancetest.Cards{
		Approve:     cardOf(paytracefake.ApproveCard),
		Decline:     cardOf(paytracefake.InsufficientFundsCard),
		DeclineCode: "insufficient_funds",
		ActThenStall: func(t *testing.T) {
			fake.ActThenStall(2 * time.Second)
		},
	})
}

// With a customer per payment every sale can take several partial refunds
// (credits to its customer after the first), so the contract's repeatable
// refund cases run too.
func TestMeetsTheConnectorContractWithACustomerPerPayment(t *testing.T) {
	fake, conn, _ := setupCustomerPerPayment(t)
	conformancetest.Run(t, conn, conformancetest.Cards{
		Approve:       cardOf(paytracefake.ApproveCard),
		Decline:       cardOf(paytracefake.InsufficientFundsCard),
		DeclineCode:   "insufficient_funds",
		RefundsRepeat: true,
		ActThenStall: func(t *testing.T) {
			fake.ActThenStall(2 * time.Second)
		},
	})
}
