package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// KeySize is the size of every symmetric key: AES-256.
const KeySize = 32

// KEK is one version of the key-encryption key.
type KEK struct {
	Version int
	Key     []byte
}

// Keyring holds the configured key-encryption keys. The active one wraps new
// data keys; older versions stay only to unwrap what rotation has not yet
// re-wrapped.
type Keyring struct {
	active int
	keys   map[int][]byte
}

// ErrUnknownKEK means a record was wrapped by a key version not configured.
var ErrUnknownKEK = errors.New("vault: key-encryption key version not configured")

// ErrOpen means a ciphertext failed authentication: wrong key, wrong record,
// or tampering.
var ErrOpen = errors.New("vault: ciphertext failed authentication")

// NewKeyring returns a keyring whose first key is the active one.
func NewKeyring(active KEK, older ...KEK) (*Keyring, error) {
	k := &Keyring{active: active.Version, keys: map[int][]byte{}}
	for _, kek := range append([]KEK{active}, older...) {
		if kek.Version < 1 {
			return nil, fmt.Errorf("vault: key version must be a positive integer, got %d", kek.Version)
		}
		if len(kek.Key) != KeySize {
			return nil, fmt.Errorf("vault: key version %d must be %d bytes, got %d", kek.Version, KeySize, len(kek.Key))
		}
		if _, dup := k.keys[kek.Version]; dup {
			return nil, fmt.Errorf("vault: key version %d given twice", kek.Version)
		}
		k.keys[kek.Version] = append([]byte(nil), kek.Key...)
	}
	return k, nil
}

// ParseKeyring reads "VERSION:BASE64[,VERSION:BASE64…]" (standard or URL
// base64 of 32 bytes); the first entry is the active key.
func ParseKeyring(spec string) (*Keyring, error) {
	var keks []KEK
	for _, part := range strings.Split(strings.TrimSpace(spec), ",") {
		part = strings.TrimSpace(part)
		v, b64, ok := strings.Cut(part, ":")
		if !ok {
			return nil, errors.New("vault: key must be VERSION:BASE64 (for example 1:" + strings.Repeat("A", 43) + "=)")
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("vault: key version %q is not an integer", v)
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			if key, err = base64.URLEncoding.DecodeString(b64); err != nil {
				return nil, fmt.Errorf("vault: key version %d is not valid base64", n)
			}
		}
		keks = append(keks, KEK{Version: n, Key: key})
	}
	if len(keks) == 0 {
		return nil, errors.New("vault: no key given")
	}
	return NewKeyring(keks[0], keks[1:]...)
}

// GenerateKEKSpec returns a new random key in the form ParseKeyring reads.
func GenerateKEKSpec(version int) string {
	return strconv.Itoa(version) + ":" + base64.StdEncoding.EncodeToString(NewKey())
}

// NewKey returns a random 256-bit key.
func NewKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return k
}

// Active is the version new data keys are wrapped under.
func (k *Keyring) Active() int { return k.active }

// Versions lists the configured versions, newest first.
func (k *Keyring) Versions() []int {
	out := make([]int, 0, len(k.keys))
	for v := range k.keys {
		out = append(out, v)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out
}

// Has reports whether a version is configured.
func (k *Keyring) Has(version int) bool { _, ok := k.keys[version]; return ok }

// CheckValue is a public fingerprint of a key version, stored beside the
// data so a substituted or mistyped key is refused at start instead of
// silently producing unreadable records (PCI DSS 3.7.7).
func (k *Keyring) CheckValue(version int) (string, error) {
	key, ok := k.keys[version]
	if !ok {
		return "", ErrUnknownKEK
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("paygate vault key check value"))
	return hex.EncodeToString(m.Sum(nil)[:8]), nil
}

// Wrap encrypts a data key under the active KEK, bound to the data key's id.
func (k *Keyring) Wrap(dekID string, dek []byte) (version int, wrapped []byte, err error) {
	wrapped, err = Seal(k.keys[k.active], []byte("dek|"+dekID), dek)
	return k.active, wrapped, err
}

// Unwrap decrypts a data key wrapped under the given version.
func (k *Keyring) Unwrap(version int, dekID string, wrapped []byte) ([]byte, error) {
	key, ok := k.keys[version]
	if !ok {
		return nil, fmt.Errorf("%w: version %d", ErrUnknownKEK, version)
	}
	return Open(key, []byte("dek|"+dekID), wrapped)
}

// Seal encrypts plaintext with AES-256-GCM under a fresh random 96-bit nonce;
// aad binds the ciphertext to its record so it cannot be moved to another.
// The result is nonce || ciphertext || tag.
func Seal(key, aad, plaintext []byte) ([]byte, error) {
	g, err := gcm(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, g.NonceSize(), g.NonceSize()+len(plaintext)+g.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return g.Seal(nonce, nonce, plaintext, aad), nil
}

// Open reverses Seal; any change to key, aad or sealed answers ErrOpen.
func Open(key, aad, sealed []byte) ([]byte, error) {
	g, err := gcm(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < g.NonceSize()+g.Overhead() {
		return nil, ErrOpen
	}
	out, err := g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("vault: key must be %d bytes", KeySize)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// Ephemeral returns a keyring with one random key that exists only in this
// process: for tests, and never for data that must outlive the process.
func Ephemeral() *Keyring {
	k, _ := NewKeyring(KEK{Version: 1, Key: NewKey()})
	return k
}
