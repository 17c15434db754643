package paymentz

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// tokenTTL is the vendor's token lifetime (exp = now + 3 600 000 ms).
const tokenTTL = time.Hour

// claims are the JWT claims of an AuthToken: the vendor's iss "PZ", sub
// (the login), role, exp, plus paygate's memberId, which names the door
// credential the token was issued for.
type claims struct {
	Iss      string `json:"iss"`
	Sub      string `json:"sub"`
	Role     string `json:"role"`
	MemberID string `json:"memberId"`
	Iat      int64  `json:"iat"`
	Exp      int64  `json:"exp"`
	// AuthTime is when the secure key was last presented (authToken); a
	// regenerated token keeps it, so a chain of regenerations ends
	// maxTokenChain after the sign-in.
	AuthTime int64 `json:"auth_time,omitempty"`
	member   int64
}

// maxTokenChain is how long after a sign-in with the secure key tokens may
// still be regenerated without it.
const maxTokenChain = 12 * time.Hour

var b64 = base64.RawURLEncoding

// jwtHeader is {"alg":"HS256","typ":"JWT"}; only this header is accepted.
var jwtHeader = b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// signToken makes an HS256 JWT (RFC 7519) with the door's derived key.
func signToken(key []byte, c claims) string {
	body, _ := json.Marshal(c)
	signing := jwtHeader + "." + b64.EncodeToString(body)
	return signing + "." + b64.EncodeToString(mac(key, signing))
}

func mac(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

var errToken = errors.New("invalid AuthToken")

// verifyToken checks a token's signature, issuer, role and expiry and
// returns its claims, the member id parsed. The header must be exactly the one signToken
// writes, which rules out "alg":"none" and algorithm confusion.
func verifyToken(key []byte, token string, now time.Time) (claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] != jwtHeader {
		return claims{}, errToken
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac(key, parts[0]+"."+parts[1])) {
		return claims{}, errToken
	}
	body, err := b64.DecodeString(parts[1])
	if err != nil {
		return claims{}, errToken
	}
	var c claims
	if err := json.Unmarshal(body, &c); err != nil || c.Iss != "PZ" || c.Role != "merchant" || now.Unix() >= c.Exp {
		return claims{}, errToken
	}
	id, err := strconv.ParseInt(c.MemberID, 10, 64)
	if err != nil || id <= 0 {
		return claims{}, errToken
	}
	c.member = id
	return c, nil
}

// tokenFrom reads the token from "AuthToken: <jwt>" or the variant
// "X-Authorization: AuthToken :<jwt>".
func tokenFrom(h func(string) string) string {
	if t := strings.TrimSpace(h("AuthToken")); t != "" {
		return t
	}
	v := strings.TrimSpace(h("X-Authorization"))
	if rest, ok := strings.CutPrefix(v, "AuthToken"); ok {
		return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
	}
	return ""
}
