package engine

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"sync"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/vault"
)

// vaultKeys are the unwrapped data keys, held in memory only. They are loaded
// at start (LoadVault) and again when a record names a key this process has
// not seen (created by another instance).
type vaultKeys struct {
	mu     sync.RWMutex
	loaded bool
	deks   map[string][]byte
	active string // data key new records are sealed with
	fp     []byte // fingerprint HMAC key
}

var errNoVault = fault.New(fault.Unavailable, "vault_not_configured", "the card vault has no key-encryption key configured")

// LoadVault checks the configured key-encryption keys against the database
// and unwraps every data key, creating the first ones on a new database. A
// key whose check value differs from the stored one (a substituted or
// mistyped key), or a data key wrapped by a version not configured, is an
// error: the gateway must refuse to start rather than write records nobody
// can read.
func (e *Engine) LoadVault(ctx context.Context) error {
	if e.keyring == nil {
		return errNoVault
	}
	e.vk.mu.Lock()
	defer e.vk.mu.Unlock()
	return e.loadVaultLocked(ctx)
}

func (e *Engine) loadVaultLocked(ctx context.Context) error {
	checks, err := e.store.KEKChecks(ctx)
	if err != nil {
		return err
	}
	for _, v := range e.keyring.Versions() {
		want, _ := e.keyring.CheckValue(v)
		if got, ok := checks[v]; ok && got != want {
			return fmt.Errorf("vault: the configured key version %d is not the key this database was encrypted with (check value %s, stored %s)", v, want, got)
		}
	}
	keys, err := e.store.ListDataKeys(ctx)
	if err != nil {
		return err
	}
	deks := map[string][]byte{}
	var active, fpID string
	for _, k := range keys {
		dek, err := e.keyring.Unwrap(k.KEKVersion, k.ID, k.Wrapped)
		if err != nil {
			return fmt.Errorf("vault: data key %s (wrapped by key version %d): %w", k.ID, k.KEKVersion, err)
		}
		deks[k.ID] = dek
		switch {
		case k.Purpose == vault.PurposeData && k.Active:
			active = k.ID
		case k.Purpose == vault.PurposeFingerprint && (fpID == "" || k.ID < fpID):
			// The oldest fingerprint key wins, so every instance agrees.
			fpID = k.ID
		}
	}
	_, activeChecked := checks[e.keyring.Active()]
	if active == "" || fpID == "" || !activeChecked {
		var created []*vault.DataKey
		if active == "" {
			created = append(created, e.newDataKey(vault.PurposeData, deks))
			active = created[len(created)-1].ID
		}
		if fpID == "" {
			created = append(created, e.newDataKey(vault.PurposeFingerprint, deks))
			fpID = created[len(created)-1].ID
		}
		err := e.store.Update(ctx, func(tx Tx) error {
			if !activeChecked {
				cv, _ := e.keyring.CheckValue(e.keyring.Active())
				if err := tx.InsertKEKCheck(ctx, e.keyring.Active(), cv, e.now()); err != nil {
					return err
				}
			}
			for _, k := range created {
				if err := tx.InsertDataKey(ctx, k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("vault: create data keys: %w", err)
		}
	}
	e.vk.deks, e.vk.active, e.vk.fp, e.vk.loaded = deks, active, deks[fpID], true
	return nil
}

// newDataKey makes a data key wrapped under the active KEK and remembers it in deks.
func (e *Engine) newDataKey(purpose vault.Purpose, deks map[string][]byte) *vault.DataKey {
	dek := vault.NewKey()
	k := &vault.DataKey{ID: id.New("dek"), Purpose: purpose, Active: true, CreatedAt: e.now()}
	k.KEKVersion, k.Wrapped, _ = e.keyring.Wrap(k.ID, dek)
	deks[k.ID] = dek
	return k
}

// vaultReady loads the vault on first use.
func (e *Engine) vaultReady(ctx context.Context) error {
	if e.keyring == nil {
		return errNoVault
	}
	e.vk.mu.RLock()
	ok := e.vk.loaded
	e.vk.mu.RUnlock()
	if ok {
		return nil
	}
	return e.LoadVault(ctx)
}

// dataKey returns the named data key, reloading once if another instance made it.
func (e *Engine) dataKey(ctx context.Context, id string) ([]byte, error) {
	if err := e.vaultReady(ctx); err != nil {
		return nil, err
	}
	e.vk.mu.RLock()
	k := e.vk.deks[id]
	e.vk.mu.RUnlock()
	if k != nil {
		return k, nil
	}
	e.vk.mu.Lock()
	defer e.vk.mu.Unlock()
	if k := e.vk.deks[id]; k != nil {
		return k, nil
	}
	if err := e.loadVaultLocked(ctx); err != nil {
		return nil, err
	}
	if k := e.vk.deks[id]; k != nil {
		return k, nil
	}
	return nil, fault.New(fault.Internal, "vault_key_missing", "data key %s does not exist", id)
}

// seal encrypts plaintext under the active data key; aad must be built with
// the returned key id (records bind their key id into their AAD).
func (e *Engine) seal(ctx context.Context, aad func(keyID string) []byte, plaintext []byte) (keyID string, sealed []byte, err error) {
	if err := e.vaultReady(ctx); err != nil {
		return "", nil, err
	}
	e.vk.mu.RLock()
	keyID, dek := e.vk.active, e.vk.deks[e.vk.active]
	e.vk.mu.RUnlock()
	sealed, err = vault.Seal(dek, aad(keyID), plaintext)
	return keyID, sealed, err
}

func (e *Engine) open(ctx context.Context, keyID string, aad, sealed []byte) ([]byte, error) {
	dek, err := e.dataKey(ctx, keyID)
	if err != nil {
		return nil, err
	}
	return vault.Open(dek, aad, sealed)
}

// fingerprint is HMAC-SHA256 of the card number under the vault's
// fingerprint key; "" when no vault is configured.
func (e *Engine) fingerprint(ctx context.Context, number string) string {
	if e.vaultReady(ctx) != nil {
		return ""
	}
	e.vk.mu.RLock()
	key := e.vk.fp
	e.vk.mu.RUnlock()
	m := hmac.New(sha256.New, key)
	m.Write([]byte(number))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// sealCard puts a card number into a vault record under the active data key.
func (e *Engine) sealCard(ctx context.Context, m *vault.PaymentMethod, number string) error {
	var err error
	m.DataKeyID, m.Sealed, err = e.seal(ctx, func(k string) []byte { m.DataKeyID = k; return m.AAD() }, []byte(number))
	return err
}

// openCard returns a vault record's card number.
func (e *Engine) openCard(ctx context.Context, m *vault.PaymentMethod) (string, error) {
	if m.Sealed == nil {
		return "", fault.New(fault.Conflict, "payment_method_deleted", "payment method %s has been deleted", m.ID)
	}
	pt, err := e.open(ctx, m.DataKeyID, m.AAD(), m.Sealed)
	if err != nil {
		return "", fmt.Errorf("vault: open %s: %w", m.ID, err)
	}
	return string(pt), nil
}

// VaultStatus describes the vault's keys for operators.
type VaultStatus struct {
	ActiveKEK int
	// DataKeysByKEK counts data keys per key-encryption key version.
	DataKeysByKEK map[int]int
	// RecordsByDataKey counts sealed cards per data key.
	RecordsByDataKey map[string]int
	Rewrapped        int
}

// RotateKEK re-wraps every data key that is not under the active
// key-encryption key. Records are not touched (their data keys do not
// change), so it runs while the gateway serves: running instances keep their
// unwrapped keys, and once the count under old versions is zero the old key
// can be removed from configuration and destroyed. With newDataKey, new
// records are also sealed under a fresh data key from now on.
func (e *Engine) RotateKEK(ctx context.Context, newDataKey bool) (*VaultStatus, error) {
	if err := e.LoadVault(ctx); err != nil {
		return nil, err
	}
	keys, err := e.store.ListDataKeys(ctx)
	if err != nil {
		return nil, err
	}
	st := &VaultStatus{ActiveKEK: e.keyring.Active(), DataKeysByKEK: map[int]int{}}
	for _, k := range keys {
		if k.KEKVersion == e.keyring.Active() {
			continue
		}
		dek, err := e.keyring.Unwrap(k.KEKVersion, k.ID, k.Wrapped)
		if err != nil {
			return nil, err
		}
		v, wrapped, err := e.keyring.Wrap(k.ID, dek)
		if err != nil {
			return nil, err
		}
		err = e.store.Update(ctx, func(tx Tx) error {
			ok, err := tx.RewrapDataKey(ctx, k.ID, k.KEKVersion, v, wrapped)
			if ok {
				st.Rewrapped++
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if newDataKey {
		e.vk.mu.Lock()
		k := e.newDataKey(vault.PurposeData, e.vk.deks)
		err := e.store.Update(ctx, func(tx Tx) error { return tx.InsertDataKey(ctx, k) })
		if err == nil {
			e.vk.active = k.ID
		}
		e.vk.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	return st, e.fillVaultStatus(ctx, st)
}

// VaultInfo reports the vault's keys without changing anything.
func (e *Engine) VaultInfo(ctx context.Context) (*VaultStatus, error) {
	if err := e.LoadVault(ctx); err != nil {
		return nil, err
	}
	st := &VaultStatus{ActiveKEK: e.keyring.Active(), DataKeysByKEK: map[int]int{}}
	return st, e.fillVaultStatus(ctx, st)
}

func (e *Engine) fillVaultStatus(ctx context.Context, st *VaultStatus) error {
	keys, err := e.store.ListDataKeys(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		st.DataKeysByKEK[k.KEKVersion]++
	}
	st.RecordsByDataKey, err = e.store.CountPaymentMethodsByDataKey(ctx)
	return err
}

// KEKVersionsInUse lists the key versions some data key is still wrapped by.
func (s *VaultStatus) KEKVersionsInUse() []int {
	var out []int
	for v, n := range s.DataKeysByKEK {
		if n > 0 {
			out = append(out, v)
		}
	}
	sort.Ints(out)
	return out
}

// DerivedKey is a secret for another part of paygate (such as the hosted
// pages' form tokens), derived from the vault's fingerprint key so every
// instance sharing the database derives the same one, and nothing in the
// database alone can.
func (e *Engine) DerivedKey(ctx context.Context, label string) ([]byte, error) {
	if err := e.vaultReady(ctx); err != nil {
		return nil, err
	}
	e.vk.mu.RLock()
	defer e.vk.mu.RUnlock()
	m := hmac.New(sha256.New, e.vk.fp)
	m.Write([]byte("paygate derived key|" + label))
	return m.Sum(nil), nil
}
