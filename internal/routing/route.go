package routing

import (
	"math"
	"slices"
	"sort"

	"github.com/paygate/paygate/internal/pmconfig"
)

// Payment is what the rules look at.
type Payment struct {
	Currency string
	Amount   int64 // minor units
	Brand    string
	Country  string // issuing country from the BIN; "" when unknown
}

// Eligible reports whether an enabled configuration's rules take the payment.
// A configuration limited to some countries never takes a card whose
// country is unknown.
func Eligible(c *pmconfig.Config, p Payment) bool {
	r := c.Routing
	switch {
	case !c.Enabled, !c.Accepts(p.Currency):
		return false
	case r.MinAmount > 0 && p.Amount < r.MinAmount, r.MaxAmount > 0 && p.Amount > r.MaxAmount:
		return false
	case len(r.Brands) > 0 && !slices.Contains(r.Brands, p.Brand):
		return false
	case len(r.Countries) > 0 && (p.Country == "" || !slices.Contains(r.Countries, p.Country)):
		return false
	}
	return true
}

// Order returns the eligible configurations in the order to try them:
// by priority, and within a priority in a random order weighted by Weight
// (weighted sampling without replacement), zero weights last. rnd returns
// a uniform number in [0, 1).
func Order(configs []*pmconfig.Config, p Payment, rnd func() float64) []*pmconfig.Config {
	type keyed struct {
		c    *pmconfig.Config
		key  float64
		zero bool
	}
	var ks []keyed
	for _, c := range configs {
		if !Eligible(c, p) {
			continue
		}
		w := c.Routing.Weight
		if w <= 0 {
			ks = append(ks, keyed{c: c, zero: true}) // after every positive weight
			continue
		}
		// Efraimidis–Spirakis: the largest u^(1/w) goes first, which picks
		// each item first with probability w / sum(w). Compared as logs.
		ks = append(ks, keyed{c: c, key: math.Log(1-rnd()) / float64(w)})
	}
	sort.SliceStable(ks, func(i, j int) bool {
		if pi, pj := ks[i].c.Routing.Priority, ks[j].c.Routing.Priority; pi != pj {
			return pi < pj
		}
		if ks[i].zero != ks[j].zero {
			return ks[j].zero
		}
		return ks[i].key > ks[j].key
	})
	out := make([]*pmconfig.Config, len(ks))
	for i, k := range ks {
		out[i] = k.c
	}
	return out
}
