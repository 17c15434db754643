package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are argon2id's costs. They are stored in each hash, so a
// change applies to new hashes and old ones still verify.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultPasswordParams is OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane).
var DefaultPasswordParams = PasswordParams{Memory: 19 * 1024, Time: 2, Threads: 1}

// TestPasswordParams are cheap costs for tests only: never use them in a deployment.
var TestPasswordParams = PasswordParams{Memory: 64, Time: 1, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

var errMalformedHash = errors.New("password hash is not an argon2id PHC string")

// HashPassword returns the argon2id PHC string of a password:
// $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func HashPassword(password string, p PasswordParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches an encoded hash. A
// malformed hash, or one with absurd costs, is an error.
func VerifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version || parts[2] != fmt.Sprintf("v=%d", version) {
		return false, errMalformedHash
	}
	var p PasswordParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads) {
		return false, errMalformedHash
	}
	if p.Memory < 8 || p.Memory > 1<<20 || p.Time < 1 || p.Time > 100 || p.Threads < 1 || p.Memory < 8*uint32(p.Threads) {
		return false, errors.New("password hash has out-of-range argon2 costs")
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return false, errMalformedHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, errMalformedHash
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// ValidatePassword checks a new password: long enough to resist guessing
// (NIST SP 800-63B asks at least 8; we ask 12), short enough to hash cheaply.
func ValidatePassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < 12:
		return errors.New("password must be at least 12 characters")
	case len(pw) > 256:
		return errors.New("password must be at most 256 bytes")
	case utf8.RuneCountInString(strings.TrimSpace(pw)) < 12:
		// Twelve spaces (or a short word padded with them) are not twelve
		// characters of password.
		return errors.New("password must be at least 12 characters besides spaces at its ends")
	case distinctRunes(pw) < 4:
		return errors.New("password must not be one or two characters repeated")
	}
	return nil
}

func distinctRunes(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}
