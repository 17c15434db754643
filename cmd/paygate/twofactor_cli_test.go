package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

// A person who lost their authenticator cannot sign in to the dashboard to
// turn two-factor off; an operator does it from the command line.
func TestUserResetTwoFactor(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	mid := runJSON(t, "merchant", "create", "Shop", "--json", "--database", db)["merchant_id"]
	u := runJSON(t, "user", "create", "--merchant", mid, "--email", "owner@shop.test", "--role", "owner", "--json", "--database", db)
	reset := func(merchant, email string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, []string{"user", "reset-two-factor", "--merchant", merchant, "--email", email, "--database", db}, noenv, &out, io.Discard)
		return out.String(), err
	}
	if _, err := reset(mid, "owner@shop.test"); err == nil || !strings.Contains(err.Error(), "no second factor") {
		t.Fatalf("reset without two-factor: %v", err)
	}
	c, _, err := parse("test", []string{"--database", db}, noenv, io.Discard, func(*flag.FlagSet) {})
	if err != nil {
		t.Fatal(err)
	}
	login := func(code string) error {
		return withEngine(ctx, c, io.Discard, func(e *engine.Engine) error {
			_, _, err := e.Login(ctx, engine.LoginInput{Email: "owner@shop.test", Password: u["password"], TOTP: code})
			return err
		})
	}
	err = withEngine(ctx, c, io.Discard, func(e *engine.Engine) error {
		a := engine.Actor{MerchantID: mid, Principal: auth.Principal{Kind: auth.CredUser, UserID: u["user_id"]}}
		secret, _, err := e.BeginTOTP(ctx, a)
		if err != nil {
			return err
		}
		code, _ := auth.TOTPCode(secret, time.Now())
		return e.EnableTOTP(ctx, a, code)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := login(""); fault.As(err).Code != "totp_required" {
		t.Fatalf("sign-in without a code after enabling: %v", err)
	}
	other := runJSON(t, "merchant", "create", "Other", "--json", "--database", db)["merchant_id"]
	if _, err := reset(other, "owner@shop.test"); err == nil {
		t.Fatal("another merchant's operator reset this person's two-factor")
	}
	if _, err := reset(mid, "nobody@shop.test"); err == nil {
		t.Fatal("an unknown email was reset")
	}
	out, err := reset(mid, "Owner@Shop.test")
	if err != nil || !strings.Contains(out, "two-factor is off for owner@shop.test") {
		t.Fatalf("reset: %q %v", out, err)
	}
	if err := login(""); err != nil {
		t.Fatalf("sign-in with the password alone after the reset: %v", err)
	}
}

// A person who forgot their password gets a new one from the command line;
// the old one stops signing in and the new one, printed once, works.
func TestUserResetPassword(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	mid := runJSON(t, "merchant", "create", "Shop", "--json", "--database", db)["merchant_id"]
	u := runJSON(t, "user", "create", "--merchant", mid, "--email", "owner@shop.test", "--role", "owner", "--json", "--database", db)
	var out bytes.Buffer
	if err := run(ctx, []string{"user", "reset-password", "--merchant", mid, "--email", "owner@shop.test", "--database", db}, noenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	_, fresh, ok := strings.Cut(strings.TrimSpace(out.String()), "have ended): ")
	if !ok || len(fresh) < 20 {
		t.Fatalf("reset printed %q", out.String())
	}
	c, _, err := parse("test", []string{"--database", db}, noenv, io.Discard, func(*flag.FlagSet) {})
	if err != nil {
		t.Fatal(err)
	}
	err = withEngine(ctx, c, io.Discard, func(e *engine.Engine) error {
		if _, _, err := e.Login(ctx, engine.LoginInput{Email: "owner@shop.test", Password: u["password"]}); err == nil {
			t.Error("the old password still signs in")
		}
		_, _, err := e.Login(ctx, engine.LoginInput{Email: "owner@shop.test", Password: fresh})
		return err
	})
	if err != nil {
		t.Fatalf("the printed password: %v", err)
	}
}
