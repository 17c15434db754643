package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP (RFC 6238) with the parameters every authenticator app supports:
// SHA-1, 6 digits, 30-second steps.
const (
	totpDigits = 6
	totpStep   = 30
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a new 160-bit secret, base32 without padding.
func NewTOTPSecret() string {
	key := make([]byte, 20)
	if _, err := rand.Read(key); err != nil {
		panic(err)
	}
	return b32.EncodeToString(key)
}

// totpAt is the RFC 4226 HOTP value of key at a time step.
func totpAt(key []byte, step uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], step)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	code := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", totpDigits, code%1_000_000)
}

func decodeTOTPSecret(secret string) ([]byte, error) {
	return b32.DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
}

// TOTPCode returns the code of secret at t.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := decodeTOTPSecret(secret)
	if err != nil {
		return "", err
	}
	return totpAt(key, uint64(t.Unix())/totpStep), nil
}

// VerifyTOTP accepts the code of the current step or one step either side
// (RFC 6238 §5.2 allows for clock drift and typing time).
func VerifyTOTP(secret, code string, t time.Time) bool {
	_, ok := VerifyTOTPStep(secret, code, t)
	return ok
}

// VerifyTOTPStep is VerifyTOTP that also names the time step the code
// belongs to, so a verifier can refuse a code it has accepted before
// (RFC 6238 §5.2: the second attempt of the same code must be rejected).
func VerifyTOTPStep(secret, code string, t time.Time) (uint64, bool) {
	if len(code) != totpDigits || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	key, err := decodeTOTPSecret(secret)
	if err != nil || len(key) == 0 {
		return 0, false
	}
	step := uint64(t.Unix()) / totpStep
	var matched uint64
	ok := 0
	for _, s := range []uint64{step - 1, step, step + 1} {
		eq := subtle.ConstantTimeCompare([]byte(totpAt(key, s)), []byte(code))
		matched |= s * uint64(eq)
		ok |= eq
	}
	return matched, ok == 1
}

// TOTPURI is the otpauth:// URI authenticator apps read from a QR code.
func TOTPURI(issuer, account, secret string) string {
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + url.PathEscape(issuer) + ":" + url.PathEscape(account) + "?" + q.Encode()
}
