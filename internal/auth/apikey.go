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

// Key kinds. Restricted and publishable keys arrive with the access issue.
const (
	SecretKey KeyKind = "secret"
)

// APIKey is a stored credential: never the secret itself, only its hash.
type APIKey struct {
	ID         string
	MerchantID string
	Mode       payment.Mode
	Kind       KeyKind
	// Hint is the key's prefix and last four characters, for listing: "sk_test_…a1b2".
	Hint      string
	Hash      string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Active reports whether the key may authenticate at t.
func (k *APIKey) Active(t time.Time) bool { return k.RevokedAt == nil || t.Before(*k.RevokedAt) }

// prefixFor follows Stripe's visible convention so developers can tell modes apart at a glance.
func prefixFor(mode payment.Mode) string {
	if mode == payment.Live {
		return "sk_live_"
	}
	return "sk_test_"
}

// NewSecretKey returns a new secret key (to show once) and its stored form.
// 32 random bytes make brute force pointless, so a fast hash is enough.
func NewSecretKey(merchantID string, mode payment.Mode, now time.Time) (string, *APIKey) {
	secret := prefixFor(mode) + id.Secret(32)
	return secret, &APIKey{
		ID: id.New("key"), MerchantID: merchantID, Mode: mode, Kind: SecretKey,
		Hint: secret[:8] + "…" + secret[len(secret)-4:], Hash: HashSecret(secret), CreatedAt: now,
	}
}

// HashSecret returns the stored form of a secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// LooksLikeSecretKey reports whether s has a secret key's shape, so an
// obviously wrong credential is refused without a store lookup.
func LooksLikeSecretKey(s string) bool {
	return (strings.HasPrefix(s, "sk_test_") || strings.HasPrefix(s, "sk_live_")) && len(s) > 20 && len(s) < 100
}

// ModeOfSecret returns the mode a secret key's prefix names.
func ModeOfSecret(s string) payment.Mode {
	if strings.HasPrefix(s, "sk_live_") {
		return payment.Live
	}
	return payment.Sandbox
}

// HashesEqual compares two hashes in constant time.
func HashesEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
