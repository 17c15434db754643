package vault

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func ring(t *testing.T, versions ...int) *Keyring {
	t.Helper()
	var keks []KEK
	for _, v := range versions {
		keks = append(keks, KEK{Version: v, Key: NewKey()})
	}
	k, err := NewKeyring(keks[0], keks[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealIsRandomizedAndAuthenticated(t *testing.T) {
	key := NewKey()
	pan := []byte("4242424242424242")
	a, _ := Seal(key, []byte("card|pm_1"), pan)
	b, _ := Seal(key, []byte("card|pm_1"), pan)
	if bytes.Equal(a, b) || bytes.Equal(a[:12], b[:12]) {
		t.Fatal("the same card sealed twice gave the same nonce or ciphertext")
	}
	if bytes.Contains(a, pan) {
		t.Fatal("ciphertext contains the card number")
	}
	if got, err := Open(key, []byte("card|pm_1"), a); err != nil || !bytes.Equal(got, pan) {
		t.Fatalf("open = %q, %v", got, err)
	}
	flipped := append([]byte(nil), a...)
	flipped[len(flipped)/2] ^= 1
	if _, err := Open(key, []byte("card|pm_1"), flipped); !errors.Is(err, ErrOpen) {
		t.Fatalf("a flipped bit opened: %v", err)
	}
	if _, err := Open(key, []byte("card|pm_2"), a); !errors.Is(err, ErrOpen) {
		t.Fatalf("a ciphertext moved to another record opened: %v", err)
	}
	if _, err := Open(NewKey(), []byte("card|pm_1"), a); !errors.Is(err, ErrOpen) {
		t.Fatalf("another key opened it: %v", err)
	}
	if _, err := Open(key, nil, a[:5]); !errors.Is(err, ErrOpen) {
		t.Fatalf("a truncated ciphertext: %v", err)
	}
}

func TestWrapRotate(t *testing.T) {
	old := ring(t, 1)
	dek := NewKey()
	v, wrapped, err := old.Wrap("dek_1", dek)
	if err != nil || v != 1 {
		t.Fatal(v, err)
	}
	// Rotation: the new ring holds version 2 (active) and still version 1.
	both, _ := NewKeyring(KEK{2, NewKey()}, KEK{1, old.keys[1]})
	got, err := both.Unwrap(1, "dek_1", wrapped)
	if err != nil || !bytes.Equal(got, dek) {
		t.Fatal("old wrap unreadable after adding a new key", err)
	}
	v2, rewrapped, _ := both.Wrap("dek_1", got)
	if v2 != 2 {
		t.Fatalf("rewrapped under %d", v2)
	}
	onlyNew, _ := NewKeyring(KEK{2, both.keys[2]})
	if got, err := onlyNew.Unwrap(2, "dek_1", rewrapped); err != nil || !bytes.Equal(got, dek) {
		t.Fatal("rewrapped key unreadable with only the new KEK", err)
	}
	if _, err := onlyNew.Unwrap(1, "dek_1", wrapped); !errors.Is(err, ErrUnknownKEK) {
		t.Fatalf("retired version: %v", err)
	}
	if _, err := both.Unwrap(2, "dek_2", rewrapped); !errors.Is(err, ErrOpen) {
		t.Fatal("a wrapped key opened under another id")
	}
}

func TestCheckValueDetectsSubstitution(t *testing.T) {
	a, b := ring(t, 1), ring(t, 1)
	ca, _ := a.CheckValue(1)
	cb, _ := b.CheckValue(1)
	if ca == cb || len(ca) != 16 {
		t.Fatalf("check values %q %q", ca, cb)
	}
	again, _ := a.CheckValue(1)
	if again != ca {
		t.Fatal("check value not stable")
	}
}

func TestParseKeyring(t *testing.T) {
	spec := GenerateKEKSpec(3) + "," + GenerateKEKSpec(2)
	k, err := ParseKeyring(spec)
	if err != nil || k.Active() != 3 || !k.Has(2) || len(k.Versions()) != 2 {
		t.Fatalf("%v %v", k, err)
	}
	for _, bad := range []string{"", "abc", "x:AAAA", "1:!!!", "1:AAAA", GenerateKEKSpec(1) + "," + GenerateKEKSpec(1), "0:" + strings.SplitN(GenerateKEKSpec(1), ":", 2)[1]} {
		if _, err := ParseKeyring(bad); err == nil {
			t.Errorf("ParseKeyring(%q) accepted", bad)
		}
	}
}

func TestRSARoundTrip(t *testing.T) {
	pub, priv, err := GenerateRSA()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pub, "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("public key is not SPKI PEM: %.40s", pub)
	}
	ct, err := EncryptField(pub, "4242424242424242")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecryptField(priv, ct); err != nil || got != "4242424242424242" {
		t.Fatalf("decrypt = %q, %v", got, err)
	}
	_, other, _ := GenerateRSA()
	if _, err := DecryptField(other, ct); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("another key decrypted: %v", err)
	}
	for _, bad := range []string{"", "not base64", "AAAA"} {
		if _, err := DecryptField(priv, bad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("DecryptField(%q) = %v", bad, err)
		}
	}
}

func FuzzDecryptField(f *testing.F) {
	pub, priv, _ := GenerateRSA()
	ct, _ := EncryptField(pub, "123")
	f.Add(ct)
	f.Add("")
	f.Add("====")
	f.Fuzz(func(t *testing.T, s string) {
		if got, err := DecryptField(priv, s); err == nil && s != ct && got == "" {
			t.Fatal("accepted a ciphertext that decrypts to nothing")
		}
	})
}

// FuzzParseKeyring: a keyring is accepted only with 32-byte keys and positive, distinct versions.
func FuzzParseKeyring(f *testing.F) {
	f.Add(GenerateKEKSpec(1))
	f.Add(GenerateKEKSpec(2) + "," + GenerateKEKSpec(1))
	f.Add("1:")
	f.Add(":,:")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKeyring(s)
		if err != nil {
			return
		}
		for _, v := range k.Versions() {
			if v < 1 || len(k.keys[v]) != KeySize {
				t.Fatalf("ParseKeyring(%q) accepted version %d with %d bytes", s, v, len(k.keys[v]))
			}
		}
	})
}
