package auth

import (
	"strings"
	"testing"
)

func TestPasswordHashesVerifyOnlyTheirPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery", TestPasswordParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	h2, _ := HashPassword("correct horse battery", TestPasswordParams)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		if ok, err := VerifyPassword(h, pw); ok != want || err != nil {
			t.Errorf("verify %q: %v %v, want %v", pw, ok, err, want)
		}
	}
	tampered := h[:len(h)-2] + "AA"
	if ok, _ := VerifyPassword(tampered, "correct horse battery"); ok {
		t.Fatal("a tampered hash verified")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaA", "plain"} {
		if ok, err := VerifyPassword(bad, "x"); ok || err == nil {
			t.Errorf("malformed %q: %v %v", bad, ok, err)
		}
	}
}

func TestDefaultCostsAreOWASPs(t *testing.T) {
	h, _ := HashPassword("correct horse battery", DefaultPasswordParams)
	if !strings.Contains(h, "$m=19456,t=2,p=1$") {
		t.Fatalf("default hash %q", h)
	}
	if ok, _ := VerifyPassword(h, "correct horse battery"); !ok {
		t.Fatal("default-cost hash does not verify")
	}
}

func TestValidatePassword(t *testing.T) {
	if ValidatePassword("short") == nil || ValidatePassword(strings.Repeat("a", 300)) == nil || ValidatePassword("long enough words") != nil {
		t.Fatal("password rules")
	}
	for _, weak := range []string{strings.Repeat(" ", 12), "   pass   word   ", strings.Repeat("ab", 8), "\t\t\t\t\t\t\t\t\t\t\t\t"} {
		if ValidatePassword(weak) == nil {
			t.Errorf("%q was taken as a password", weak)
		}
	}
}

func FuzzVerifyPassword(f *testing.F) {
	h, _ := HashPassword("pw", TestPasswordParams)
	for _, s := range []string{h, "", "$argon2id$v=19$m=8,t=1,p=1$$", "$$$$$", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$"} {
		f.Add(s, "pw")
	}
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		if len(encoded) > 300 {
			return
		}
		ok, err := VerifyPassword(encoded, pw)
		if ok && err != nil {
			t.Fatal("ok with an error")
		}
	})
}
