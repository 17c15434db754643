package auth

import (
	"net/mail"
	"strings"
	"time"
)

// User is a person on a merchant's team. Their rights are their role's
// permissions plus Grants (including "use:<code>" gateway grants).
type User struct {
	ID         string
	MerchantID string
	Email      string
	Name       string
	Role       Role
	Grants     Permissions
	// PasswordHash is an argon2id PHC string; the password is never stored.
	PasswordHash string
	// TOTPSecret is set once a second factor is being set up; TOTPEnabled
	// once the person has proved a code from it.
	TOTPSecret  string
	TOTPEnabled bool
	// TOTPLastStep is the time step of the last code accepted (to enable
	// the second factor or to sign in); codes of that step or earlier are
	// refused, so an observed code cannot be replayed within its window.
	TOTPLastStep uint64
	DisabledAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Permissions is everything the person may do.
func (u *User) Permissions() Permissions { return Effective(u.Role, u.Grants) }

// Active reports whether the person may sign in.
func (u *User) Active() bool { return u.DisabledAt == nil }

// NormalizeEmail lower-cases and checks an address; ok is false if it is
// not a plain address.
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || strings.ContainsAny(s, " :") {
		return "", false
	}
	return s, true
}

// LoginKey is an account's key in the sign-in limiter: its email as
// sign-in reads it (trimmed, lower case), so spelling it another way is not
// another account; a name that is no address is trimmed and lowered too.
func LoginKey(user string) string {
	if norm, ok := NormalizeEmail(user); ok {
		return "user|" + norm
	}
	return "user|" + strings.ToLower(strings.TrimSpace(user))
}

// Token is an OAuth 2.0 access token, stored by hash. It is opaque: a
// revocation (RFC 7009) must take effect at once, so every use needs a
// lookup anyway, and a lookup of a random string leaks nothing, where a JWT
// would carry readable claims and need key rotation.
type Token struct {
	ID         string
	Hash       string
	KeyID      string
	MerchantID string
	Mode       string
	Scopes     Scopes
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

// Active reports whether the token may be used at t.
func (t *Token) Active(now time.Time) bool {
	return now.Before(t.ExpiresAt) && (t.RevokedAt == nil || now.Before(*t.RevokedAt))
}

// Session is a signed-in person's dashboard session, stored by hash.
type Session struct {
	ID         string
	Hash       string
	UserID     string
	MerchantID string
	IP         string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

// Active reports whether the session may be used at t.
func (s *Session) Active(now time.Time) bool {
	return now.Before(s.ExpiresAt) && (s.RevokedAt == nil || now.Before(*s.RevokedAt))
}

// TokenPrefix starts every access token; SessionPrefix every session cookie.
const (
	TokenPrefix   = "at_"
	SessionPrefix = "ses_"
)

// LooksLikeToken reports whether s has an access token's shape.
func LooksLikeToken(s string) bool {
	return strings.HasPrefix(s, TokenPrefix) && len(s) > 20 && len(s) < 100
}
