package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parse("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c.DatabaseURL, true, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrations applied to", redactURL(c.DatabaseURL))
	return st.Close()
}

// withEngine opens the store (migrated) and an engine for an admin command.
func withEngine(ctx context.Context, c Config, stderr io.Writer, fn func(*engine.Engine) error) error {
	g, err := newGateway(ctx, c, stderr, true)
	if err != nil {
		return err
	}
	defer g.store.Close()
	return fn(g.engine)
}

func merchantCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("usage: paygate merchant create NAME [--json]")
	}
	var asJSON bool
	c, fs, err := parse("merchant create", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: paygate merchant create NAME [--json]")
	}
	return withEngine(ctx, c, stderr, func(e *engine.Engine) error {
		m, secret, err := e.CreateMerchant(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		if asJSON {
			return json.NewEncoder(stdout).Encode(map[string]string{"merchant_id": m.ID, "secret_key": secret})
		}
		fmt.Fprintf(stdout, "merchant_id: %s\nsecret_key:  %s   (sandbox; shown only once)\n", m.ID, secret)
		return nil
	})
}

const apikeyUsage = "usage: paygate apikey create|list|roll|revoke --merchant ID …"

func apikeyCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || !slices.Contains([]string{"create", "list", "roll", "revoke"}, args[0]) {
		return errors.New(apikeyUsage)
	}
	sub := args[0]
	var merchantID, mode, kind, scopes, name string
	var overlap time.Duration
	var asJSON bool
	c, fs, err := parse("apikey "+sub, args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&merchantID, "merchant", "", "merchant id")
		fs.StringVar(&mode, "mode", "sandbox", "sandbox or live")
		fs.StringVar(&kind, "kind", "secret", "secret, restricted or publishable (create)")
		fs.StringVar(&scopes, "scopes", "", "comma-separated scopes of a restricted key (create)")
		fs.StringVar(&name, "name", "", "a label for the key (create)")
		fs.DurationVar(&overlap, "overlap", 0, "how long the old key keeps working (roll)")
		fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	})
	if err != nil {
		return err
	}
	if merchantID == "" {
		return fmt.Errorf("--merchant is required")
	}
	a := engine.Actor{MerchantID: merchantID, Mode: payment.Mode(mode)}
	return withEngine(ctx, c, stderr, func(e *engine.Engine) error {
		switch sub {
		case "revoke":
			if fs.NArg() != 1 {
				return fmt.Errorf("usage: paygate apikey revoke --merchant ID KEY_ID")
			}
			if err := e.RevokeAPIKey(ctx, merchantID, fs.Arg(0)); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "revoked", fs.Arg(0))
			return nil
		case "list":
			keys, err := e.ListKeys(ctx, a)
			if err != nil {
				return err
			}
			for _, k := range keys {
				state := "active"
				if k.RevokedAt != nil {
					state = "revoked " + k.RevokedAt.Format(time.RFC3339)
					if k.RevokedAt.After(time.Now()) {
						state = "ends " + k.RevokedAt.Format(time.RFC3339) // rolled, still overlapping
					}
				}
				fmt.Fprintf(stdout, "%s  %-11s  %s  %s  %s\n", k.ID, k.Kind, k.Hint, auth.KeyScopes(k).String(), state)
			}
			return nil
		}
		var k *auth.APIKey
		var secret string
		if sub == "roll" {
			if fs.NArg() != 1 {
				return fmt.Errorf("usage: paygate apikey roll --merchant ID [--overlap 24h] KEY_ID")
			}
			k, secret, err = e.RollKey(ctx, a, fs.Arg(0), overlap)
		} else {
			var list []string
			if scopes != "" {
				list = strings.Split(scopes, ",")
			}
			k, secret, err = e.CreateKey(ctx, a, engine.CreateKeyInput{Kind: kind, Name: name, Scopes: list})
		}
		if err != nil {
			return err
		}
		if asJSON {
			return json.NewEncoder(stdout).Encode(map[string]string{"key_id": k.ID, "merchant_id": k.MerchantID, "mode": string(k.Mode),
				"kind": string(k.Kind), "secret_key": secret})
		}
		fmt.Fprintf(stdout, "key_id:     %s\nsecret_key: %s   (%s %s; shown only once)\n", k.ID, secret, k.Mode, k.Kind)
		return nil
	})
}

func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = "usage: paygate user create --merchant ID --email E --role ROLE [--permissions a,b] [--json]\n       paygate user reset-two-factor --merchant ID --email E\n       paygate user reset-password --merchant ID --email E"
	if len(args) > 0 && (args[0] == "reset-two-factor" || args[0] == "reset-password") {
		return resetCmd(ctx, args[0], args[1:], getenv, stdout, stderr, usage)
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New(usage)
	}
	var merchantID, email, role, perms, name string
	var asJSON bool
	c, _, err := parse("user create", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&merchantID, "merchant", "", "merchant id")
		fs.StringVar(&email, "email", "", "the person's email, their sign-in name")
		fs.StringVar(&name, "name", "", "the person's name")
		fs.StringVar(&role, "role", "", "owner, admin, developer, analyst or support")
		fs.StringVar(&perms, "permissions", "", "comma-separated extra permissions, e.g. refund,use:knet")
		fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	})
	if err != nil {
		return err
	}
	if merchantID == "" || email == "" || role == "" {
		return errors.New(usage)
	}
	var grants []string
	if perms != "" {
		grants = strings.Split(perms, ",")
	}
	return withEngine(ctx, c, stderr, func(e *engine.Engine) error {
		u, password, err := e.CreateUser(ctx, engine.Actor{MerchantID: merchantID}, engine.UserInput{Email: email, Name: name, Role: role, Grants: grants})
		if err != nil {
			return err
		}
		if asJSON {
			return json.NewEncoder(stdout).Encode(map[string]string{"user_id": u.ID, "email": u.Email, "role": string(u.Role), "password": password})
		}
		fmt.Fprintf(stdout, "user_id:  %s\nemail:    %s\npassword: %s   (shown only once; change it after signing in)\n", u.ID, u.Email, password)
		return nil
	})
}

// resetCmd turns off the second factor of a person who lost their
// authenticator, or gives one who forgot their password a new one (shown
// once; their sessions end): for when nobody who could do it in the
// dashboard can sign in.
func resetCmd(ctx context.Context, what string, args []string, getenv func(string) string, stdout, stderr io.Writer, usage string) error {
	var merchantID, email string
	c, _, err := parse("user "+what, args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&merchantID, "merchant", "", "merchant id")
		fs.StringVar(&email, "email", "", "the person's email")
	})
	if err != nil {
		return err
	}
	if merchantID == "" || email == "" {
		return errors.New(usage)
	}
	return withEngine(ctx, c, stderr, func(e *engine.Engine) error {
		a := engine.Actor{MerchantID: merchantID}
		u, err := e.UserByEmail(ctx, a, email)
		if err != nil {
			return err
		}
		if what == "reset-password" {
			_, password, err := e.ResetPassword(ctx, a, u.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "new password for %s (shown only once; their sessions have ended): %s\n", u.Email, password)
			return nil
		}
		if _, err := e.ResetTOTP(ctx, a, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "two-factor is off for %s; they sign in with their password and can set it up again\n", u.Email)
		return nil
	})
}

func ledgerCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("usage: paygate ledger verify")
	}
	c, _, err := parse("ledger verify", args[1:], getenv, stderr, nil)
	if err != nil {
		return err
	}
	if err := existingDatabase(c.DatabaseURL); err != nil {
		return err
	}
	return withEngine(ctx, c, stderr, func(e *engine.Engine) error {
		r, err := e.VerifyLedger(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, r.String())
		if !r.OK() {
			return exitCode(1)
		}
		return nil
	})
}
