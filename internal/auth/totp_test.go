package auth

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"
)

// RFC 6238 Appendix B, SHA-1: the 8-digit values' last six digits.
func TestTOTPMatchesRFC6238Vectors(t *testing.T) {
	key := []byte("12345678901234567890")
	secret := base32.StdEncoding.EncodeToString(key)
	for unix, want8 := range map[int64]string{59: "94287082", 1111111109: "07081804", 1111111111: "14050471",
		1234567890: "89005924", 2000000000: "69279037", 20000000000: "65353130"} {
		got, err := TOTPCode(secret, time.Unix(unix, 0))
		if err != nil || got != want8[2:] {
			t.Errorf("T=%d: %s %v, want %s", unix, got, err, want8[2:])
		}
	}
}

func TestVerifyTOTPAllowsOneStepOfDrift(t *testing.T) {
	secret := NewTOTPSecret()
	now := time.Unix(1_800_000_000, 0)
	code, _ := TOTPCode(secret, now)
	for d, want := range map[time.Duration]bool{0: true, 30 * time.Second: true, -30 * time.Second: true, 60 * time.Second: false, -60 * time.Second: false} {
		if got := VerifyTOTP(secret, code, now.Add(d)); got != want {
			t.Errorf("drift %v: %v, want %v", d, got, want)
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef", " " + code[1:]} {
		if VerifyTOTP(secret, bad, now) {
			t.Errorf("accepted %q", bad)
		}
	}
	uri := TOTPURI("paygate", "ana@a.test", secret)
	if !strings.HasPrefix(uri, "otpauth://totp/paygate:ana@a.test?") || !strings.Contains(uri, "secret="+secret) {
		t.Fatalf("uri %q", uri)
	}
}

func TestVerifyTOTPStepNamesTheStepOfTheCode(t *testing.T) {
	secret := NewTOTPSecret()
	at := time.Unix(1_800_000_000, 0)
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		code, _ := TOTPCode(secret, at.Add(d))
		step, ok := VerifyTOTPStep(secret, code, at)
		if want := uint64(at.Add(d).Unix()) / 30; !ok || step != want {
			t.Fatalf("code of %v: step %d ok %v, want step %d", d, step, ok, want)
		}
	}
	code, _ := TOTPCode(secret, at.Add(90*time.Second))
	if _, ok := VerifyTOTPStep(secret, code, at); ok {
		t.Fatal("a code three steps ahead was accepted")
	}
}
