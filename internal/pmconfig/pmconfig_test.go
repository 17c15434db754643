package pmconfig

import (
	"testing"

	"github.com/paygate/paygate/internal/payment"
)

func TestFilters(t *testing.T) {
	yes, no := true, false
	knet := &Config{Code: "knet", Mode: payment.Sandbox, Connector: "sandbox", AcceptedCurrencies: []string{"KWD"}, Operation: "purchase",
		Plugins: []string{"e_commerce"}, Tags: []string{"retail"}, PaymentServices: []string{"apple_pay"}, Tokenizable: true, Enabled: true}
	for name, c := range map[string]struct {
		f    Filter
		want bool
	}{
		"plugin only":             {Filter{Plugin: "e_commerce"}, true},
		"other plugin":            {Filter{Plugin: "payment_request"}, false},
		"currency among several":  {Filter{Plugin: "e_commerce", Currencies: []string{"USD", "KWD"}}, true},
		"currency not accepted":   {Filter{Plugin: "e_commerce", Currencies: []string{"USD"}}, false},
		"operation":               {Filter{Plugin: "e_commerce", Operation: "authorize"}, false},
		"tokenizable":             {Filter{Plugin: "e_commerce", Tokenizable: &yes}, true},
		"not auto-debit asked":    {Filter{Plugin: "e_commerce", AutoDebit: &yes}, false},
		"auto-debit false":        {Filter{Plugin: "e_commerce", AutoDebit: &no}, true},
		"pg name":                 {Filter{Plugin: "e_commerce", PGNames: []string{"sandbox"}}, true},
		"other pg name":           {Filter{Plugin: "e_commerce", PGNames: []string{"mpgs"}}, false},
		"environment":             {Filter{Plugin: "e_commerce", Type: "production"}, false},
		"tags are OR":             {Filter{Plugin: "e_commerce", Tags: []string{"crm", "retail"}}, true},
		"services are OR, absent": {Filter{Plugin: "e_commerce", PaymentServices: []string{"wallet"}}, false},
	} {
		if got := knet.Matches(c.f); got != c.want {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
	anyCurrency := &Config{Code: "any", Plugins: []string{"e_commerce"}, Enabled: true}
	if !anyCurrency.Matches(Filter{Plugin: "e_commerce", Currencies: []string{"KWD"}}) || !anyCurrency.Accepts("KWD") {
		t.Fatal("a config without accepted currencies takes every currency, yet a currency filter leaves it out")
	}
	knet.Enabled = false
	if knet.Matches(Filter{Plugin: "e_commerce"}) {
		t.Fatal("a disabled config matched")
	}
}
