package engine

import (
	"slices"
	"time"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/pmconfig"
)

// Brands a routing rule may name.
var routingBrands = func() []string {
	var out []string
	for _, b := range card.Brands {
		out = append(out, string(b))
	}
	return out
}()

// applyRouting checks a routing change and writes it into r.
func applyRouting(r *pmconfig.Routing, in RoutingInput) error {
	next := *r
	if in.Priority != nil {
		if *in.Priority < 1 || *in.Priority > 1000 {
			return fault.InvalidParam("routing.priority", "parameter_invalid", "routing.priority must be 1 to 1000 (1 is tried first)")
		}
		next.Priority = *in.Priority
	}
	if in.Weight != nil {
		if *in.Weight < 0 || *in.Weight > 10000 {
			return fault.InvalidParam("routing.weight", "parameter_invalid", "routing.weight must be 0 to 10000 (0: fallback only)")
		}
		next.Weight = *in.Weight
	}
	for _, b := range []struct {
		param string
		in    *int64
		dst   *int64
	}{{"routing.min_amount", in.MinAmount, &next.MinAmount}, {"routing.max_amount", in.MaxAmount, &next.MaxAmount}} {
		if b.in == nil {
			continue
		}
		if *b.in < 0 {
			return fault.InvalidParam(b.param, "parameter_invalid", "%s is in minor units and cannot be negative (0: no bound)", b.param)
		}
		*b.dst = *b.in
	}
	if next.MaxAmount > 0 && next.MinAmount > next.MaxAmount {
		return fault.InvalidParam("routing.max_amount", "parameter_invalid", "routing.max_amount must not be below routing.min_amount")
	}
	if in.Brands != nil {
		if err := subset("routing.card_brands", *in.Brands, routingBrands); err != nil {
			return err
		}
		next.Brands = *in.Brands
	}
	if in.Countries != nil {
		for _, c := range *in.Countries {
			if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
				return fault.InvalidParam("routing.card_countries", "parameter_invalid", "%q is not an ISO 3166 alpha-2 country code (upper case)", c)
			}
		}
		next.Countries = slices.Clone(*in.Countries)
	}
	if in.TimeoutMS != nil {
		if *in.TimeoutMS != 0 && (*in.TimeoutMS < 100 || *in.TimeoutMS > 120_000) {
			return fault.InvalidParam("routing.timeout_ms", "parameter_invalid", "routing.timeout_ms must be 100 to 120000, or 0 for the gateway's default")
		}
		next.Timeout = time.Duration(*in.TimeoutMS) * time.Millisecond
	}
	*r = next
	return nil
}
