package api

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// credential is what an Authorization header carries.
type credential struct {
	scheme string // "bearer", "basic" or "api-key"
	token  string // bearer token or Api-Key value
	user   string // basic
	pass   string // basic
}

// parseAuthorization reads "Bearer <token>", "Basic base64(user:pass)" or
// "Api-Key <key>" (scheme names are case-insensitive, RFC 9110 §11.1). It
// refuses control characters and oversized values rather than pass them on.
func parseAuthorization(h string) (credential, bool) {
	if h == "" || len(h) > 1024 || !utf8.ValidString(h) {
		return credential{}, false
	}
	scheme, rest, ok := strings.Cut(h, " ")
	rest = strings.TrimSpace(rest)
	if !ok || rest == "" || strings.ContainsAny(rest, " \t") || hasControl(rest) {
		return credential{}, false
	}
	switch strings.ToLower(scheme) {
	case "bearer":
		return credential{scheme: "bearer", token: rest}, true
	case "api-key":
		return credential{scheme: "api-key", token: rest}, true
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(rest)
		if err != nil || !utf8.Valid(raw) || hasControl(string(raw)) {
			return credential{}, false
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		if !ok || user == "" || pass == "" {
			return credential{}, false
		}
		return credential{scheme: "basic", user: user, pass: pass}, true
	}
	return credential{}, false
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}
