package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parse("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c.DatabaseURL, true)
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

func apikeyCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
		return fmt.Errorf("usage: paygate apikey create|revoke --merchant ID …")
	}
	sub := args[0]
	var merchantID, mode string
	var asJSON bool
	c, fs, err := parse("apikey "+sub, args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&merchantID, "merchant", "", "merchant id")
		fs.StringVar(&mode, "mode", "sandbox", "sandbox or live")
		fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	})
	if err != nil {
		return err
	}
	if merchantID == "" {
		return fmt.Errorf("--merchant is required")
	}
	return withEngine(ctx, c, stderr, func(e *engine.Engine) error {
		if sub == "revoke" {
			if fs.NArg() != 1 {
				return fmt.Errorf("usage: paygate apikey revoke --merchant ID KEY_ID")
			}
			if err := e.RevokeAPIKey(ctx, merchantID, fs.Arg(0)); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "revoked", fs.Arg(0))
			return nil
		}
		k, secret, err := e.CreateAPIKey(ctx, merchantID, payment.Mode(mode))
		if err != nil {
			return err
		}
		if asJSON {
			return json.NewEncoder(stdout).Encode(map[string]string{"key_id": k.ID, "merchant_id": k.MerchantID, "mode": string(k.Mode), "secret_key": secret})
		}
		fmt.Fprintf(stdout, "key_id:     %s\nsecret_key: %s   (%s; shown only once)\n", k.ID, secret, k.Mode)
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
