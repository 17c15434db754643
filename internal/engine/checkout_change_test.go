package engine_test

import (
	"context"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

// Changing a session's configurations is stored on both stores, and a
// currency change that a kept configuration does not accept is refused
// with nothing changed.
func TestChangeCheckoutSessionConfigsPersist(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		rf := newRoutingFixture(t, st)
		rf.configure(t, "a", []string{"EUR", "USD"}, engine.RoutingInput{})
		rf.configure(t, "b", []string{"EUR"}, engine.RoutingInput{})
		rf.configure(t, "c", []string{"EUR", "USD"}, engine.RoutingInput{})
		cs, err := rf.e.CreateCheckoutSession(ctx, rf.actor, engine.CheckoutInput{Amount: 500, Currency: "EUR", SuccessURL: "https://shop.example/ok", Config: "a"})
		if err != nil {
			t.Fatal(err)
		}
		id := cs.Session.ID
		two := []string{"b", "c"}
		if _, err := rf.e.ChangeCheckoutSession(ctx, rf.actor, id, engine.CheckoutChange{Configs: &two}); err != nil {
			t.Fatal(err)
		}
		s, _ := rf.e.GetCheckoutSession(ctx, rf.actor, id)
		if s.Config != "" || len(s.AllowedConfigs) != 2 || s.AllowedConfigs[0] != "b" || s.AllowedConfigs[1] != "c" {
			t.Fatalf("after changing to b, c: config %q allowed %v", s.Config, s.AllowedConfigs)
		}
		usd := "USD"
		if _, err := rf.e.ChangeCheckoutSession(ctx, rf.actor, id, engine.CheckoutChange{Currency: &usd}); err == nil {
			t.Fatal("USD accepted though configuration b takes EUR only")
		}
		if s, _ := rf.e.GetCheckoutSession(ctx, rf.actor, id); s.Currency.Code != "EUR" || len(s.AllowedConfigs) != 2 {
			t.Fatalf("a refused change changed the session: %s %v", s.Currency.Code, s.AllowedConfigs)
		}
		one := []string{"c"}
		if _, err := rf.e.ChangeCheckoutSession(ctx, rf.actor, id, engine.CheckoutChange{Configs: &one, Currency: &usd}); err != nil {
			t.Fatal(err)
		}
		if s, _ := rf.e.GetCheckoutSession(ctx, rf.actor, id); s.Config != "c" || len(s.AllowedConfigs) != 0 || s.Currency.Code != "USD" {
			t.Fatalf("after changing to c in USD: %q %v %s", s.Config, s.AllowedConfigs, s.Currency.Code)
		}
		none := []string{}
		if _, err := rf.e.ChangeCheckoutSession(ctx, rf.actor, id, engine.CheckoutChange{Configs: &none}); err != nil {
			t.Fatal(err)
		}
		if s, _ := rf.e.GetCheckoutSession(ctx, rf.actor, id); s.Config != "" || len(s.AllowedConfigs) != 0 {
			t.Fatalf("after clearing: %q %v", s.Config, s.AllowedConfigs)
		}
		// Routed among all, the session may not move to a currency none
		// takes (creation refuses it too), alone or with the clearing.
		kwd := "KWD"
		for _, ch := range []engine.CheckoutChange{{Currency: &kwd}, {Currency: &kwd, Configs: &none}} {
			if _, err := rf.e.ChangeCheckoutSession(ctx, rf.actor, id, ch); fault.As(err) == nil || fault.As(err).Code != "currency_not_accepted" {
				t.Fatalf("a routed session moved to KWD, which no configuration takes: %v", err)
			}
		}
		if s, _ := rf.e.GetCheckoutSession(ctx, rf.actor, id); s.Currency.Code != "USD" {
			t.Fatalf("a refused change changed the currency to %s", s.Currency.Code)
		}
	})
}
