package api

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestParseAuthorization(t *testing.T) {
	cases := []struct {
		header string
		ok     bool
		want   credential
	}{
		{"Bearer sk_test_abc", true, credential{scheme: "bearer", token: "sk_test_abc"}},
		{"bearer   sk_test_abc ", true, credential{scheme: "bearer", token: "sk_test_abc"}},
		{"Api-Key k1", true, credential{scheme: "api-key", token: "k1"}},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("mer_1:sk_test_x:y")), true, credential{scheme: "basic", user: "mer_1", pass: "sk_test_x:y"}},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte(":nouser")), false, credential{}},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("a\x00:b")), false, credential{}},
		{"Basic !!!", false, credential{}},
		{"Bearer a b", false, credential{}},
		{"Bearer", false, credential{}},
		{"Digest x", false, credential{}},
		{"Bearer \x7f", false, credential{}},
		{"Bearer " + strings.Repeat("a", 2000), false, credential{}},
	}
	for _, c := range cases {
		got, ok := parseAuthorization(c.header)
		if ok != c.ok || got != c.want {
			t.Errorf("%q: %+v %v, want %+v %v", c.header, got, ok, c.want, c.ok)
		}
	}
}

// FuzzParseAuthorization: never a panic; an accepted header yields a
// credential without control characters or spaces in its secret parts.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{"Bearer sk_test_x", "Basic Zm9vOmJhcg==", "Api-Key x", "", "Basic ", "bEaReR \t x", "Basic " + base64.StdEncoding.EncodeToString([]byte("u:\x01"))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		c, ok := parseAuthorization(h)
		if !ok {
			return
		}
		for _, part := range []string{c.token, c.user, c.pass} {
			if hasControl(part) {
				t.Fatalf("%q accepted with a control character: %+v", h, c)
			}
		}
		if c.scheme == "basic" && (c.user == "" || c.pass == "") || c.scheme != "basic" && (c.token == "" || strings.ContainsAny(c.token, " \t")) {
			t.Fatalf("%q accepted as %+v", h, c)
		}
	})
}
