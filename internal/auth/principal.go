package auth

// CredentialKind names how a request proved who it is.
type CredentialKind string

// Credential kinds, as recorded in the audit log.
const (
	CredSystem  CredentialKind = "system" // the gateway itself or its CLI
	CredKey     CredentialKind = "api_key"
	CredToken   CredentialKind = "oauth_token"
	CredUser    CredentialKind = "user" // Basic with a person's email and password
	CredSession CredentialKind = "session"
)

// Principal is who acts and what they may do. The zero Principal is the
// system (CLI, recovery), which may do everything.
type Principal struct {
	Kind CredentialKind
	// ID is the credential's id: key, token or session id.
	ID string
	// KeyID is the API key a request or its token derives from.
	KeyID   string
	KeyKind KeyKind
	// UserID is the person, for users and sessions.
	UserID string
	Role   Role
	Scopes Scopes
	Perms  Permissions
}

// IsPerson reports whether a team member acts (their permissions apply).
func (p Principal) IsPerson() bool { return p.Kind == CredUser || p.Kind == CredSession }

// ActorID is the id the audit log records as the actor.
func (p Principal) ActorID() string {
	switch {
	case p.IsPerson():
		return p.UserID
	case p.Kind == CredSystem || p.Kind == "":
		return "system"
	}
	return p.KeyID
}

// Need is what a route requires: a scope from keys and tokens, a
// permission from people. Either may be empty (no requirement of that kind).
type Need struct {
	Scope Scope
	Perm  Permission
}

// Allows reports whether p meets n; when it does not, it answers what was
// missing, to name in the refusal.
func (p Principal) Allows(n Need) (ok bool, missing string) {
	switch {
	case p.Kind == CredSystem || p.Kind == "":
		return true, ""
	case p.IsPerson():
		if n.Perm == "" || p.Perms.Has(n.Perm) {
			return true, ""
		}
		return false, string(n.Perm)
	default:
		if n.Scope == "" || p.Scopes.Has(n.Scope) {
			return true, ""
		}
		return false, string(n.Scope)
	}
}

// CanUse reports whether p may send payments through the payment-method
// configuration code. Keys are merchant-wide (Ottu's API key is admin);
// people need "use:<code>".
func (p Principal) CanUse(code string) bool {
	return !p.IsPerson() || p.Perms.Has(UsePermission(code))
}
