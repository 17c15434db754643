package paytracefake

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// grant is the OAuth password grant (reference 1.2): form-encoded
// grant_type=password, username, password -> bearer token.
func (s *Server) grant(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts["/oauth/token"]++
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "password" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type", "error_description": "The authorization grant type is not supported by the authorization server."})
		return
	}
	if r.PostForm.Get("username") != Username || r.PostForm.Get("password") != Password {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."})
		return
	}
	tok := randomHex(16) + ":" + randomHex(16) + ":" + randomHex(32)
	s.tokens[tok] = s.now().Add(s.tokenTTL)
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(s.tokenTTL.Seconds()),
		"created_at": s.now().Unix()})
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
