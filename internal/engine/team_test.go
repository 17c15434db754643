package engine_test

import (
	"context"
	"testing"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// TestTheLastOwnerStaysAndADisabledPersonsSessionsEnd: the merchant's only
// owner can be neither demoted (by themselves or anyone) nor disabled, so
// somebody can always manage the team; with a second owner both work.
// Disabling someone ends their sessions for good: enabling them again
// (audited) does not bring an old session back.
func TestTheLastOwnerStaysAndADisabledPersonsSessionsEnd(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		const password = "correct horse battery staple"
		e, _, sys, ana := hookedUser(t, st, password)
		mk := func(email, role string) *auth.User {
			u, _, err := e.CreateUser(ctx, sys, engine.UserInput{Email: email, Role: role, Password: password})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		owner := mk("olu@shop.test", "owner")
		self := engine.Actor{MerchantID: sys.MerchantID, Principal: auth.Principal{Kind: auth.CredSession, UserID: owner.ID, Role: auth.RoleOwner, Perms: owner.Permissions()}}
		analyst, yes := "analyst", true
		for _, who := range []engine.Actor{self, sys} {
			if _, err := e.UpdateUser(ctx, who, owner.ID, engine.UserUpdate{Role: &analyst}); fault.As(err) == nil || fault.As(err).Code != "last_owner" {
				t.Fatalf("demoting the last owner: %v", err)
			}
		}
		if _, err := e.UpdateUser(ctx, sys, owner.ID, engine.UserUpdate{Disabled: &yes}); fault.As(err) == nil || fault.As(err).Code != "last_owner" {
			t.Fatalf("disabling the last owner: %v", err)
		}
		mk("obi@shop.test", "owner")
		if _, err := e.UpdateUser(ctx, self, owner.ID, engine.UserUpdate{Role: &analyst}); err != nil {
			t.Fatalf("demoting an owner while another remains: %v", err)
		}

		secret, _, err := e.Login(ctx, engine.LoginInput{Email: "ana@shop.test", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		no := false
		if _, err := e.UpdateUser(ctx, sys, ana.ID, engine.UserUpdate{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.UpdateUser(ctx, sys, ana.ID, engine.UserUpdate{Disabled: &no}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.AuthenticateSession(ctx, secret, payment.Sandbox, engine.Source{}); err == nil {
			t.Fatal("a session from before the disable works again after the enable")
		}
		evs, _ := e.ListAuditEvents(ctx, sys, engine.AuditFilter{Action: string(audit.UserEnabled), Limit: 10})
		if len(evs) != 1 || evs[0].TargetID != ana.ID {
			t.Fatalf("the enable's audit: %+v", evs)
		}
	})
}
