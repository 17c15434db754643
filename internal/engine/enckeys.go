package engine

import (
	"context"
	"errors"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/vault"
)

// DefaultKeyGrace is how long a rotated-out client-side encryption key still
// decrypts: long enough for pages loaded before the rotation to submit.
const DefaultKeyGrace = 24 * time.Hour

// EncryptionKey returns the merchant's current client-side encryption key
// for the mode, making the first one on first use.
func (e *Engine) EncryptionKey(ctx context.Context, a Actor) (*vault.EncryptionKey, error) {
	keys, err := e.store.ListEncryptionKeys(ctx, a.MerchantID, a.Mode)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.ExpiresAt == nil {
			return k, nil
		}
	}
	return e.newEncryptionKey(ctx, a, 0)
}

// RotateEncryptionKey makes a new key pair current; the previous ones keep
// decrypting for grace (DefaultKeyGrace when zero, at most 30 days).
func (e *Engine) RotateEncryptionKey(ctx context.Context, a Actor, grace time.Duration) (*vault.EncryptionKey, error) {
	if grace < 0 || grace > 30*24*time.Hour {
		return nil, fault.InvalidParam("grace_period", "parameter_invalid", "grace_period must be between 0 and 30 days (in seconds)")
	}
	if grace == 0 {
		grace = DefaultKeyGrace
	}
	return e.newEncryptionKey(ctx, a, grace)
}

func (e *Engine) newEncryptionKey(ctx context.Context, a Actor, grace time.Duration) (*vault.EncryptionKey, error) {
	pub, der, err := vault.GenerateRSA()
	if err != nil {
		return nil, err
	}
	now := e.now()
	k := &vault.EncryptionKey{ID: id.New("ek"), MerchantID: a.MerchantID, Mode: a.Mode, PublicPEM: pub, CreatedAt: now}
	k.DataKeyID, k.SealedPrivate, err = e.seal(ctx, func(kid string) []byte { k.DataKeyID = kid; return k.AAD() }, der)
	if err != nil {
		return nil, err
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		if grace > 0 {
			if err := tx.ExpireEncryptionKeys(ctx, a.MerchantID, a.Mode, now.Add(grace)); err != nil {
				return err
			}
			if err := tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("encryption_key.rotated"), "encryption_key", k.ID, map[string]string{"grace": grace.String()})); err != nil {
				return err
			}
		}
		return tx.InsertEncryptionKey(ctx, k)
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// decryptCard replaces client-side encrypted fields with their clear values,
// trying the merchant's current key and those still in their grace period.
func (e *Engine) decryptCard(ctx context.Context, a Actor, c *CardInput, now time.Time) error {
	const p = "payment_method.card."
	if c.EncryptedNumber == "" && c.EncryptedCVC == "" {
		return nil
	}
	if c.EncryptedNumber != "" && c.Number != "" {
		return fault.InvalidParam(p+"number", "parameter_invalid", "send number or encrypted_number, not both")
	}
	if c.EncryptedCVC != "" && c.CVC != "" {
		return fault.InvalidParam(p+"cvc", "parameter_invalid", "send cvc or encrypted_cvc, not both")
	}
	keys, err := e.store.ListEncryptionKeys(ctx, a.MerchantID, a.Mode)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		param string
		in    string
		out   *string
	}{{p + "encrypted_number", c.EncryptedNumber, &c.Number}, {p + "encrypted_cvc", c.EncryptedCVC, &c.CVC}} {
		if f.in == "" {
			continue
		}
		clear, err := e.decryptField(ctx, keys, f.in, now)
		if errors.Is(err, vault.ErrDecrypt) {
			return fault.InvalidParam(f.param, "decryption_failed", "%s cannot be decrypted with the merchant's current or recent public key", f.param)
		}
		if err != nil {
			return err
		}
		*f.out = clear
	}
	c.EncryptedNumber, c.EncryptedCVC = "", ""
	return nil
}

func (e *Engine) decryptField(ctx context.Context, keys []*vault.EncryptionKey, ct string, now time.Time) (string, error) {
	for _, k := range keys {
		if !k.Live(now) {
			continue
		}
		der, err := e.open(ctx, k.DataKeyID, k.AAD(), k.SealedPrivate)
		if err != nil {
			return "", err
		}
		if clear, err := vault.DecryptField(der, ct); err == nil {
			return clear, nil
		}
	}
	return "", vault.ErrDecrypt
}
