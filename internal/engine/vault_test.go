package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

func engineWith(t *testing.T, st engine.Store, kr *vault.Keyring) *engine.Engine {
	t.Helper()
	e, err := engine.New(engine.Config{Store: st, Keyring: kr, Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: &fakeProcessor{}}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestVaultRefusesAWrongKeyAndRotatesOnline covers PCI-04/05: a substituted
// key is refused at start, rotation re-wraps every data key while records
// stay readable, and after it the old key can be dropped.
func TestVaultRefusesAWrongKeyAndRotatesOnline(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		k1 := vault.KEK{Version: 1, Key: vault.NewKey()}
		ring1, _ := vault.NewKeyring(k1)
		e1 := engineWith(t, st, ring1)
		if err := e1.LoadVault(ctx); err != nil {
			t.Fatal(err)
		}
		m, _, err := e1.CreateMerchant(ctx, "Vault Shop")
		if err != nil {
			t.Fatal(err)
		}
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		if _, err := e1.CreateCustomer(ctx, a, engine.CustomerInput{Reference: "c1"}); err != nil {
			t.Fatal(err)
		}
		p, _, err := e1.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "c1", Card: visa()}, nil)
		if err != nil || !strings.HasPrefix(p.PaymentMethod, "pm_") || p.Card.Fingerprint == "" {
			t.Fatalf("vault payment: %+v %v", p, err)
		}

		// Same version number, different key: refused before anything is written.
		wrong, _ := vault.NewKeyring(vault.KEK{Version: 1, Key: vault.NewKey()})
		if err := engineWith(t, st, wrong).LoadVault(ctx); err == nil || !strings.Contains(err.Error(), "not the key") {
			t.Fatalf("a substituted key was accepted: %v", err)
		}
		// A new key alone cannot unwrap the existing data keys.
		onlyNew, _ := vault.NewKeyring(vault.KEK{Version: 2, Key: vault.NewKey()})
		if err := engineWith(t, st, onlyNew).LoadVault(ctx); err == nil {
			t.Fatal("a keyring without the version that wraps the data keys was accepted")
		}

		k2 := vault.KEK{Version: 2, Key: vault.NewKey()}
		both, _ := vault.NewKeyring(k2, k1)
		e2 := engineWith(t, st, both)
		status, err := e2.RotateKEK(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if status.Rewrapped < 2 || len(status.KEKVersionsInUse()) != 1 || status.KEKVersionsInUse()[0] != 2 {
			t.Fatalf("after rotation: %+v", status)
		}
		// Only the new key now: the old records open and fingerprints agree.
		ring2, _ := vault.NewKeyring(k2)
		e3 := engineWith(t, st, ring2)
		if err := e3.LoadVault(ctx); err != nil {
			t.Fatalf("after rotation the new key alone must do: %v", err)
		}
		again, _, err := e3.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", PaymentMethodID: p.PaymentMethod, Initiator: payment.MerchantInitiated}, nil)
		if err != nil || again.Status != payment.Captured || again.Card.Last4 != "4242" {
			t.Fatalf("a card saved under the old key, charged after rotation: %+v %v", again, err)
		}
		dup, _, err := e3.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Customer: "c1", Card: visa()}, nil)
		if err != nil || dup.PaymentMethod != p.PaymentMethod || dup.Card.Fingerprint != p.Card.Fingerprint {
			t.Fatalf("fingerprint changed across rotation: %+v %v", dup, err)
		}
	})
}
