package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/vault"
)

const keysUsage = "usage: paygate keys status | rotate [--new-data-key] | generate [--version N]"

// keysCmd manages the vault's keys. Rotation procedure: generate a new key,
// put it first in PAYGATE_VAULT_KEY (keeping the old one after it), restart
// or roll the gateways, run "keys rotate", check "keys status" shows only the
// new version, then remove the old one from configuration and destroy it.
func keysCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(keysUsage)
	}
	sub := args[0]
	var newDataKey bool
	var version int
	c, _, err := parse("keys "+sub, args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&newDataKey, "new-data-key", false, "also seal new records under a fresh data key (rotate)")
		fs.IntVar(&version, "version", 1, "version number of the new key (generate)")
	})
	if err != nil {
		return err
	}
	switch sub {
	case "generate":
		fmt.Fprintln(stdout, vault.GenerateKEKSpec(version))
		return nil
	case "status", "rotate":
		return withEngine(ctx, c, stderr, func(e *engine.Engine) error {
			var st *engine.VaultStatus
			var err error
			if sub == "rotate" {
				st, err = e.RotateKEK(ctx, newDataKey)
			} else {
				st, err = e.VaultInfo(ctx)
			}
			if err != nil {
				return err
			}
			printVaultStatus(stdout, st, sub == "rotate")
			return nil
		})
	}
	return errors.New(keysUsage)
}

func printVaultStatus(w io.Writer, st *engine.VaultStatus, rotated bool) {
	fmt.Fprintf(w, "active key version: %d\n", st.ActiveKEK)
	if rotated {
		fmt.Fprintf(w, "re-wrapped data keys: %d\n", st.Rewrapped)
	}
	versions := make([]int, 0, len(st.DataKeysByKEK))
	for v := range st.DataKeysByKEK {
		versions = append(versions, v)
	}
	sort.Ints(versions)
	for _, v := range versions {
		fmt.Fprintf(w, "data keys wrapped by version %d: %d\n", v, st.DataKeysByKEK[v])
	}
	total := 0
	for _, n := range st.RecordsByDataKey {
		total += n
	}
	fmt.Fprintf(w, "sealed cards: %d\n", total)
	if in := st.KEKVersionsInUse(); len(in) == 1 && in[0] == st.ActiveKEK {
		fmt.Fprintln(w, "older key versions wrap nothing and can be removed from configuration")
	}
}
