package routing

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/pmconfig"
)

func cfg(code string, r pmconfig.Routing, currencies ...string) *pmconfig.Config {
	return &pmconfig.Config{Code: code, Enabled: true, AcceptedCurrencies: currencies, Routing: r}
}

func codes(cs []*pmconfig.Config) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Code)
	}
	return out
}

func TestRulesPickTheEligibleConfigurations(t *testing.T) {
	usd := cfg("usd-only", pmconfig.Routing{Priority: 1, Weight: 1}, "USD")
	big := cfg("big-tickets", pmconfig.Routing{Priority: 1, Weight: 1, MinAmount: 100_00})
	small := cfg("small", pmconfig.Routing{Priority: 1, Weight: 1, MaxAmount: 99_99})
	amex := cfg("amex", pmconfig.Routing{Priority: 1, Weight: 1, Brands: []string{"amex"}})
	gb := cfg("uk-acquirer", pmconfig.Routing{Priority: 1, Weight: 1, Countries: []string{"GB"}})
	off := cfg("disabled", pmconfig.Routing{Priority: 1, Weight: 1})
	off.Enabled = false
	all := []*pmconfig.Config{usd, big, small, amex, gb, off}
	for name, c := range map[string]struct {
		p    Payment
		want map[string]bool
	}{
		"small USD visa from the US": {Payment{"USD", 50_00, "visa", "US"}, map[string]bool{"usd-only": true, "small": true}},
		"large EUR amex from GB":     {Payment{"EUR", 500_00, "amex", "GB"}, map[string]bool{"big-tickets": true, "amex": true, "uk-acquirer": true}},
		"the bounds are inclusive":   {Payment{"EUR", 100_00, "visa", ""}, map[string]bool{"big-tickets": true}},
		"unknown country":            {Payment{"EUR", 99_99, "visa", ""}, map[string]bool{"small": true}},
	} {
		got := Order(all, c.p, rand.Float64)
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", name, codes(got), c.want)
			continue
		}
		for _, g := range got {
			if !c.want[g.Code] {
				t.Errorf("%s: %s chosen, want %v", name, g.Code, c.want)
			}
		}
	}
}

func TestPriorityComesFirstAndZeroWeightIsAFallback(t *testing.T) {
	primary := cfg("primary", pmconfig.Routing{Priority: 1, Weight: 1})
	backup := cfg("backup", pmconfig.Routing{Priority: 2, Weight: 100})
	standby := cfg("standby", pmconfig.Routing{Priority: 1, Weight: 0})
	for range 200 {
		got := codes(Order([]*pmconfig.Config{backup, standby, primary}, Payment{Currency: "USD", Amount: 100}, rand.Float64))
		if len(got) != 3 || got[0] != "primary" || got[1] != "standby" || got[2] != "backup" {
			t.Fatalf("order %v, want primary, standby, backup", got)
		}
	}
}

func TestWeightsShareTraffic(t *testing.T) {
	a := cfg("a", pmconfig.Routing{Priority: 1, Weight: 3})
	b := cfg("b", pmconfig.Routing{Priority: 1, Weight: 1})
	r := rand.New(rand.NewPCG(1, 2))
	first := map[string]int{}
	const n = 20000
	for range n {
		first[Order([]*pmconfig.Config{a, b}, Payment{Currency: "USD", Amount: 1}, r.Float64)[0].Code]++
	}
	// Weight 3 against 1 is 75 % first; allow two percentage points.
	if share := float64(first["a"]) / n; share < 0.73 || share > 0.77 {
		t.Fatalf("a went first %.3f of the time, want 0.75", share)
	}
}

func TestBreakerOpensHalfOpensAndCloses(t *testing.T) {
	now := time.Unix(0, 0)
	b := &Breaker{Threshold: 3, Cooldown: time.Minute, Now: func() time.Time { return now }}
	for range 2 {
		b.Record("x", false)
	}
	if !b.Allow("x") || b.State("x") != Closed {
		t.Fatal("opened before the threshold")
	}
	b.Record("x", false)
	if b.Allow("x") || b.State("x") != Open {
		t.Fatal("did not open at the threshold")
	}
	if !b.Allow("y") {
		t.Fatal("one key's failures opened another's circuit")
	}
	now = now.Add(time.Minute)
	if b.State("x") != HalfOpen {
		t.Fatalf("after the cooldown: %s", b.State("x"))
	}
	if !b.Allow("x") {
		t.Fatal("no trial call after the cooldown")
	}
	if b.Allow("x") {
		t.Fatal("a second caller got through while the trial runs")
	}
	b.Record("x", false)
	if b.Allow("x") {
		t.Fatal("a failed trial did not reopen the circuit")
	}
	now = now.Add(time.Minute)
	if !b.Allow("x") {
		t.Fatal("no second trial")
	}
	b.Record("x", true)
	if !b.Allow("x") || !b.Allow("x") || b.State("x") != Closed {
		t.Fatal("a good trial did not close the circuit")
	}
}

func TestAnAbandonedTrialFreesTheSlot(t *testing.T) {
	now := time.Unix(0, 0)
	b := &Breaker{Threshold: 1, Cooldown: time.Minute, Now: func() time.Time { return now }}
	b.Record("x", false)
	now = now.Add(time.Minute)
	if !b.Allow("x") {
		t.Fatal("no trial")
	}
	now = now.Add(30 * time.Second)
	if b.Allow("x") {
		t.Fatal("second trial while the first may still run")
	}
	now = now.Add(31 * time.Second)
	if !b.Allow("x") {
		t.Fatal("a trial that never reported kept the circuit open for good")
	}
}
