package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/payment"
)

// KeyKind says what a key may do.
type KeyKind string

// Key kinds: secret keys may do everything in their mode, restricted keys
// only their scopes, publishable keys only start a checkout from a browser.
const (
	SecretKey      KeyKind = "secret"
	RestrictedKey  KeyKind = "restricted"
	PublishableKey KeyKind = "publishable"
)

// Valid reports whether k is a known kind.
func (k KeyKind) Valid() bool { return k == SecretKey || k == RestrictedKey || k == PublishableKey }

// APIKey is a stored credential: never the secret itself, only its hash.
type APIKey struct {
	ID         string
	MerchantID string
	Mode       payment.Mode
	Kind       KeyKind
	Name       string
	// Scopes are a restricted key's rights (empty for the other kinds, whose
	// rights follow from their kind: see KeyScopes).
	Scopes Scopes
	// Hint is the key's prefix and last four characters, for listing: "sk_test_…a1b2".
	Hint      string
	Hash      string
	CreatedAt time.Time
	// CreatedBy is the person the key acts for: who created it, or who
	// created the key that created it; empty for keys the system made.
	CreatedBy string
	// RevokedAt is when the key stops working: the past for a revoked key,
	// the end of the overlap for a rolled one.
	RevokedAt *time.Time
}

// Active reports whether the key may authenticate at t.
func (k *APIKey) Active(t time.Time) bool { return k.RevokedAt == nil || t.Before(*k.RevokedAt) }

// KeyScopes is what a key of this kind and mode may do. Sandbox secret keys
// cannot manage the team: team members act in live mode too, so a test key
// must not be able to mint a person with live access.
func KeyScopes(k *APIKey) Scopes {
	switch k.Kind {
	case SecretKey:
		if k.Mode == payment.Live {
			return NewScopes(AllScopes...)
		}
		var out []Scope
		for _, s := range AllScopes {
			if s != ScopeTeamWrite {
				out = append(out, s)
			}
		}
		return NewScopes(out...)
	case PublishableKey:
		return NewScopes(ScopeCheckout)
	default:
		return k.Scopes
	}
}

var kindPrefix = map[KeyKind]string{SecretKey: "sk_", RestrictedKey: "rk_", PublishableKey: "pk_"}

// prefixFor follows Stripe's visible convention so developers can tell kinds
// and modes apart at a glance.
func prefixFor(kind KeyKind, mode payment.Mode) string {
	if mode == payment.Live {
		return kindPrefix[kind] + "live_"
	}
	return kindPrefix[kind] + "test_"
}

// NewKey returns a new key (the secret to show once, and its stored form).
// 32 random bytes make brute force pointless, so a fast hash is enough and
// no slow hash sits on the API's hot path.
func NewKey(merchantID string, mode payment.Mode, kind KeyKind, name string, scopes Scopes, now time.Time) (string, *APIKey) {
	secret := prefixFor(kind, mode) + id.Secret(32)
	if kind != RestrictedKey {
		scopes = nil
	}
	return secret, &APIKey{
		ID: id.New("key"), MerchantID: merchantID, Mode: mode, Kind: kind, Name: name, Scopes: scopes,
		Hint: secret[:8] + "…" + secret[len(secret)-4:], Hash: HashSecret(secret), CreatedAt: now,
	}
}

// NewSecretKey returns a new secret key and its stored form.
func NewSecretKey(merchantID string, mode payment.Mode, now time.Time) (string, *APIKey) {
	return NewKey(merchantID, mode, SecretKey, "", nil, now)
}

// HashSecret returns the stored form of a secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// LooksLikeKey reports whether s has the shape of one of our keys, so an
// obviously wrong credential is refused without a store lookup.
func LooksLikeKey(s string) bool {
	if len(s) <= 20 || len(s) >= 100 {
		return false
	}
	_, _, ok := KindAndModeOf(s)
	return ok
}

// LooksLikeSecretKey reports whether s has a secret key's shape.
func LooksLikeSecretKey(s string) bool {
	k, _, ok := KindAndModeOf(s)
	return ok && k == SecretKey && LooksLikeKey(s)
}

// KindAndModeOf reads a key's kind and mode from its prefix.
func KindAndModeOf(s string) (KeyKind, payment.Mode, bool) {
	for kind, p := range kindPrefix {
		if rest, ok := strings.CutPrefix(s, p); ok {
			switch {
			case strings.HasPrefix(rest, "live_"):
				return kind, payment.Live, true
			case strings.HasPrefix(rest, "test_"):
				return kind, payment.Sandbox, true
			}
		}
	}
	return "", "", false
}

// ModeOfSecret returns the mode a key's prefix names.
func ModeOfSecret(s string) payment.Mode {
	_, m, _ := KindAndModeOf(s)
	return m
}

// HashesEqual compares two hashes in constant time.
func HashesEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
