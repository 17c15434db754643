package vault

import (
	"time"

	"github.com/paygate/paygate/internal/payment"
)

// Purpose says what a data key protects.
type Purpose string

// Data key purposes.
const (
	// PurposeData keys seal card numbers, private keys and 3-D Secure values.
	PurposeData Purpose = "data"
	// PurposeFingerprint keys the HMAC that recognises the same card twice;
	// it is random and wrapped, so the database alone cannot recompute it.
	PurposeFingerprint Purpose = "fingerprint"
)

// DataKey is a data-encryption key as stored: wrapped by a KEK version.
type DataKey struct {
	ID         string
	Purpose    Purpose
	KEKVersion int
	Wrapped    []byte
	// Active marks the data key new records are sealed with (one per purpose).
	Active    bool
	CreatedAt time.Time
}

// Usage says whether a stored card may be charged more than once.
type Usage string

// Usages of a stored card.
const (
	Reusable  Usage = "reusable"   // a customer's saved card (pm_…)
	SingleUse Usage = "single_use" // a one-time token from hosted fields or checkout (tok_…)
)

// MethodStatus is where a stored card stands.
type MethodStatus string

// Stored card statuses.
const (
	// MethodInactive: saved during a payment that has not succeeded yet; it
	// becomes active when that payment is authorized, and is never listed.
	MethodInactive MethodStatus = "inactive"
	MethodActive   MethodStatus = "active"
	MethodUsed     MethodStatus = "used"    // a single-use token after its payment
	MethodDeleted  MethodStatus = "deleted" // the ciphertext is erased
)

// PaymentMethod is a card in the vault. Sealed holds the card number,
// encrypted under the data key DataKeyID; nothing else here is secret. The
// CVC is never part of it.
type PaymentMethod struct {
	ID         string
	MerchantID string
	Mode       payment.Mode
	Usage      Usage
	Status     MethodStatus
	CustomerID string
	DataKeyID  string
	Sealed     []byte
	Card       payment.Card
	// KeyHash is the SHA-256 of a single-use token's key, which the
	// merchant's server must present with the token.
	KeyHash   string
	ExpiresAt *time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AAD binds a card's ciphertext to its record: a ciphertext copied into
// another record, merchant or key fails to open.
func (m *PaymentMethod) AAD() []byte {
	return []byte("card|" + m.ID + "|" + m.MerchantID + "|" + string(m.Mode) + "|" + m.DataKeyID)
}

// Usable reports whether the card may be charged at t.
func (m *PaymentMethod) Usable(t time.Time) bool {
	if m.Status != MethodActive {
		return false
	}
	return m.ExpiresAt == nil || t.Before(*m.ExpiresAt)
}

// EncryptionKey is a merchant's RSA key pair for client-side encryption; the
// private key is sealed under a data key.
type EncryptionKey struct {
	ID            string
	MerchantID    string
	Mode          payment.Mode
	PublicPEM     string
	DataKeyID     string
	SealedPrivate []byte
	CreatedAt     time.Time
	// ExpiresAt is set when the key was rotated out: it still decrypts until then.
	ExpiresAt *time.Time
}

// AAD binds a sealed private key to its record.
func (k *EncryptionKey) AAD() []byte {
	return []byte("rsa|" + k.ID + "|" + k.MerchantID + "|" + string(k.Mode) + "|" + k.DataKeyID)
}

// Live reports whether the key still decrypts at t.
func (k *EncryptionKey) Live(t time.Time) bool { return k.ExpiresAt == nil || t.Before(*k.ExpiresAt) }
