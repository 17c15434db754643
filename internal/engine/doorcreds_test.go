package engine_test

import (
	"context"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

func TestDoorCredentials(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		f := newFixture(t, st, nil)
		c, secret, err := f.e.CreateDoorCredential(ctx, f.actor, "paymentz", engine.DoorCredentialOptions{Username: "shop-a", PartnerID: "42"})
		if err != nil {
			t.Fatal(err)
		}
		if c.MemberID < 10_000_000 || c.MemberID > 2_147_483_647 || len(secret) < 32 {
			t.Fatalf("member id %d, secret %q", c.MemberID, secret)
		}
		t.Run("the secret is stored sealed, never in clear", func(t *testing.T) {
			stored, err := st.FindDoorCredential(ctx, "paymentz", c.MemberID)
			if err != nil {
				t.Fatal(err)
			}
			if string(stored.SealedKey) == secret || len(stored.SealedKey) == 0 || stored.KeyID == "" {
				t.Fatalf("stored key %q", stored.SealedKey)
			}
			if stored.MerchantID != f.actor.MerchantID || stored.Mode != payment.Sandbox || stored.PartnerID != "42" || stored.Username != "shop-a" {
				t.Fatalf("stored %+v", stored)
			}
		})
		t.Run("the member id opens the secret and names the merchant", func(t *testing.T) {
			got, key, err := f.e.DoorCredential(ctx, "paymentz", c.MemberID)
			if err != nil || key != secret || got.Actor().MerchantID != f.actor.MerchantID || got.Actor().Mode != payment.Sandbox {
				t.Fatalf("%+v %q %v", got, key, err)
			}
		})
		t.Run("the username finds the same credential", func(t *testing.T) {
			got, key, err := f.e.DoorCredentialByUsername(ctx, "paymentz", "shop-a")
			if err != nil || key != secret || got.MemberID != c.MemberID {
				t.Fatalf("%+v %q %v", got, key, err)
			}
		})
		t.Run("an unknown member, username or door is unauthorized", func(t *testing.T) {
			for _, err := range []error{
				second(f.e.DoorCredential(ctx, "paymentz", c.MemberID+1)),
				second(f.e.DoorCredential(ctx, "smartpay", c.MemberID)),
				second(f.e.DoorCredentialByUsername(ctx, "paymentz", "nobody")),
				second(f.e.DoorCredentialByUsername(ctx, "paymentz", "")),
			} {
				if fault.KindOf(err) != fault.Unauthorized {
					t.Fatalf("err %v", err)
				}
			}
		})
		t.Run("a taken username is a conflict", func(t *testing.T) {
			_, _, err := f.e.CreateDoorCredential(ctx, f.actor, "paymentz", engine.DoorCredentialOptions{Username: "shop-a"})
			if fault.As(err).Code != "door_credential_taken" {
				t.Fatalf("err %v", err)
			}
		})
		t.Run("a member id taken in the database is a conflict", func(t *testing.T) {
			dup := *c
			dup.Username = ""
			err := st.Update(ctx, func(tx engine.Tx) error { return tx.InsertDoorCredential(ctx, &dup) })
			if fault.As(err).Code != "door_credential_taken" {
				t.Fatalf("err %v", err)
			}
		})
		t.Run("two credentials without username coexist", func(t *testing.T) {
			for range 2 {
				if _, _, err := f.e.CreateDoorCredential(ctx, f.actor, "paymentz", engine.DoorCredentialOptions{}); err != nil {
					t.Fatal(err)
				}
			}
		})
	})
}

func second(_ *engine.DoorCredential, _ string, err error) error { return err }
