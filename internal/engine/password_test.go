package engine_test

import (
	"context"
	"testing"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// TestAPersonChangesTheirPassword: the current password must be right, the
// new one strong and different; after the change the old one no longer
// signs in, the session that changed it goes on and every other ends.
func TestAPersonChangesTheirPassword(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		e, err := engine.New(engine.Config{Store: st, Keyring: vault.Ephemeral()})
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := e.CreateMerchant(ctx, "Shop")
		if err != nil {
			t.Fatal(err)
		}
		const old, next = "correct horse battery", "staple gun ledger 42"
		if _, _, err := e.CreateUser(ctx, engine.Actor{MerchantID: m.ID}, engine.UserInput{Email: "ana@shop.test", Role: "admin", Password: old}); err != nil {
			t.Fatal(err)
		}
		login := func(pw string) (string, error) {
			secret, _, err := e.Login(ctx, engine.LoginInput{Email: "ana@shop.test", Password: pw})
			return secret, err
		}
		here, err := login(old)
		if err != nil {
			t.Fatal(err)
		}
		elsewhere, _ := login(old)
		a, err := e.AuthenticateSession(ctx, here, payment.Sandbox, engine.Source{})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ current, next, code, param string }{
			{"wrong password!", next, "password_incorrect", "current_password"},
			{old, old, "password_unchanged", "new_password"},
			{old, "short", "password_too_weak", "new_password"},
		} {
			if f := fault.As(e.ChangePassword(ctx, a, tc.current, tc.next)); f == nil || f.Code != tc.code || f.Param != tc.param {
				t.Fatalf("change(%q, %q): %v, want %s on %s", tc.current, tc.next, f, tc.code, tc.param)
			}
		}
		if _, err := login(old); err != nil {
			t.Fatalf("a refused change still changed the password: %v", err)
		}
		if err := e.ChangePassword(ctx, a, old, next); err != nil {
			t.Fatal(err)
		}
		if _, err := login(old); err == nil {
			t.Fatal("the old password still signs in")
		}
		if _, err := login(next); err != nil {
			t.Fatalf("the new password: %v", err)
		}
		if _, err := e.AuthenticateSession(ctx, here, payment.Sandbox, engine.Source{}); err != nil {
			t.Fatalf("the session that changed it ended: %v", err)
		}
		if _, err := e.AuthenticateSession(ctx, elsewhere, payment.Sandbox, engine.Source{}); err == nil {
			t.Fatal("another session of the old password still works")
		}
		evs, err := e.ListAuditEvents(ctx, engine.Actor{MerchantID: m.ID}, engine.AuditFilter{Action: string(audit.PasswordChanged), Limit: 10})
		if err != nil || len(evs) != 1 || evs[0].ActorID != a.Principal.ID && evs[0].ActorID != a.Principal.UserID {
			t.Fatalf("audit: %+v %v", evs, err)
		}
		failed, _ := e.ListAuditEvents(ctx, engine.Actor{MerchantID: m.ID}, engine.AuditFilter{Action: string(audit.LoginFailed), Limit: 10})
		wrong := 0
		for _, ev := range failed {
			if ev.Details["channel"] == "password_change" {
				wrong++
			}
		}
		if wrong != 1 {
			t.Fatalf("%d wrong current passwords audited, want 1", wrong)
		}
	})
}

// TestAPasswordResetEndsEverySession: an operator (or someone with the
// rights) gives a person a new password; their sessions end and only the
// new password signs in. Nobody resets the password of someone more
// powerful than they are.
func TestAPasswordResetEndsEverySession(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		e, _ := engine.New(engine.Config{Store: st, Keyring: vault.Ephemeral()})
		m, _, _ := e.CreateMerchant(ctx, "Shop")
		sys := engine.Actor{MerchantID: m.ID}
		owner, _, err := e.CreateUser(ctx, sys, engine.UserInput{Email: "own@shop.test", Role: "owner", Password: "owner password 123"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.CreateUser(ctx, sys, engine.UserInput{Email: "dev@shop.test", Role: "developer", Password: "developer pw 456"}); err != nil {
			t.Fatal(err)
		}
		devSecret, _, err := e.Login(ctx, engine.LoginInput{Email: "dev@shop.test", Password: "developer pw 456"})
		if err != nil {
			t.Fatal(err)
		}
		dev, _ := e.AuthenticateSession(ctx, devSecret, payment.Sandbox, engine.Source{})
		if _, _, err := e.ResetPassword(ctx, dev, owner.ID); fault.As(err) == nil || fault.As(err).Code != "permission_denied" {
			t.Fatalf("a developer reset the owner's password: %v", err)
		}
		ownSecret, _, _ := e.Login(ctx, engine.LoginInput{Email: "own@shop.test", Password: "owner password 123"})
		_, fresh, err := e.ResetPassword(ctx, sys, owner.ID)
		if err != nil || len(fresh) < 20 {
			t.Fatalf("reset: %q %v", fresh, err)
		}
		if _, err := e.AuthenticateSession(ctx, ownSecret, payment.Sandbox, engine.Source{}); err == nil {
			t.Fatal("a session survived the reset")
		}
		if _, _, err := e.Login(ctx, engine.LoginInput{Email: "own@shop.test", Password: "owner password 123"}); err == nil {
			t.Fatal("the old password still signs in")
		}
		if _, _, err := e.Login(ctx, engine.LoginInput{Email: "own@shop.test", Password: fresh}); err != nil {
			t.Fatalf("the new password: %v", err)
		}
	})
}

// hookStore runs before once, just ahead of the next transaction.
type hookStore struct {
	engine.Store
	before func()
}

func (h *hookStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	if f := h.before; f != nil {
		h.before = nil
		f()
	}
	return h.Store.Update(ctx, fn)
}

// hookedUser is an engine on st behind a hookStore, with a merchant and an
// admin, ana@shop.test, who has password.
func hookedUser(t *testing.T, st engine.Store, password string) (*engine.Engine, *hookStore, engine.Actor, *auth.User) {
	t.Helper()
	ctx := context.Background()
	hs := &hookStore{Store: st}
	e, _ := engine.New(engine.Config{Store: hs, Keyring: vault.Ephemeral()})
	m, _, _ := e.CreateMerchant(ctx, "Shop")
	sys := engine.Actor{MerchantID: m.ID}
	u, _, err := e.CreateUser(ctx, sys, engine.UserInput{Email: "ana@shop.test", Role: "admin", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return e, hs, sys, u
}

// TestASignInRacingAPasswordResetDoesNotSurviveIt: a sign-in whose password
// check passed just before a reset committed gets no session (the reset
// would not have ended one written after it).
func TestASignInRacingAPasswordResetDoesNotSurviveIt(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		e, hs, sys, u := hookedUser(t, st, "stolen password 123")
		// The reset commits after the sign-in checked the old password and
		// before it writes its session.
		hs.before = func() {
			if _, _, err := e.ResetPassword(ctx, sys, u.ID); err != nil {
				t.Error(err)
			}
		}
		secret, _, err := e.Login(ctx, engine.LoginInput{Email: "ana@shop.test", Password: "stolen password 123"})
		if hs.before != nil {
			t.Fatal("the reset did not run inside the sign-in")
		}
		if err == nil {
			if _, aerr := e.AuthenticateSession(ctx, secret, payment.Sandbox, engine.Source{}); aerr == nil {
				t.Fatal("a sign-in with the old password holds a working session after the reset")
			}
		}
		if fault.KindOf(err) != fault.Unauthorized {
			t.Fatalf("the racing sign-in: %v, want it refused", err)
		}
		failed, _ := e.ListAuditEvents(ctx, sys, engine.AuditFilter{Action: string(audit.LoginFailed), Limit: 10})
		if len(failed) != 1 || failed[0].Details["reason"] != "changed_meanwhile" {
			t.Fatalf("the refused sign-in's audit: %+v", failed)
		}
	})
}

// TestAPasswordChangeRacingAResetIsRefused: a change whose current password
// was checked before a reset committed does not overwrite the reset.
func TestAPasswordChangeRacingAResetIsRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		e, hs, sys, u := hookedUser(t, st, "first password 123")
		secret, _, err := e.Login(ctx, engine.LoginInput{Email: "ana@shop.test", Password: "first password 123"})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := e.AuthenticateSession(ctx, secret, payment.Sandbox, engine.Source{})
		var fresh string
		hs.before = func() { _, fresh, _ = e.ResetPassword(ctx, sys, u.ID) }
		if err := e.ChangePassword(ctx, a, "first password 123", "second password 456"); fault.As(err) == nil || fault.As(err).Code != "password_changed" {
			t.Fatalf("a change racing a reset: %v, want 409 password_changed", err)
		}
		if _, _, err := e.Login(ctx, engine.LoginInput{Email: "ana@shop.test", Password: fresh}); fresh == "" || err != nil {
			t.Fatalf("the reset's password no longer signs in: %v", err)
		}
	})
}
