package auth

import (
	"slices"
	"strings"
)

// Scope is a right a key or token carries, named resource:action.
type Scope string

// Scopes a restricted key or an OAuth token may carry. A secret key carries
// all of them; a publishable key only ScopeCheckout.
const (
	ScopePaymentsRead   Scope = "payments:read"
	ScopePaymentsWrite  Scope = "payments:write"
	ScopeRefundsWrite   Scope = "refunds:write"
	ScopePayoutsWrite   Scope = "payouts:write"
	ScopeCustomersWrite Scope = "customers:write"
	ScopeWebhooksWrite  Scope = "webhooks:write"
	ScopeKeysWrite      Scope = "keys:write"
	ScopeTeamWrite      Scope = "team:write"
	ScopeAuditRead      Scope = "audit:read"
	// ScopeCheckout starts a checkout or tokenizes a card from a browser.
	ScopeCheckout Scope = "checkout:write"
)

// AllScopes lists every scope, in the order documentation shows them.
var AllScopes = []Scope{ScopePaymentsRead, ScopePaymentsWrite, ScopeRefundsWrite, ScopePayoutsWrite,
	ScopeCustomersWrite, ScopeWebhooksWrite, ScopeKeysWrite, ScopeTeamWrite, ScopeAuditRead, ScopeCheckout}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return slices.Contains(AllScopes, s) }

// Scopes is a set of scopes, kept sorted and without duplicates.
type Scopes []Scope

// NewScopes returns the set of the given scopes.
func NewScopes(ss ...Scope) Scopes {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

// ParseScopes reads a space-separated list (RFC 6749 §3.3); it answers the
// first unknown scope as bad.
func ParseScopes(s string) (Scopes, string, bool) {
	var out []Scope
	for _, f := range strings.Fields(s) {
		sc := Scope(f)
		if !sc.Valid() {
			return nil, f, false
		}
		out = append(out, sc)
	}
	return NewScopes(out...), "", true
}

// Has reports whether the set holds s.
func (ss Scopes) Has(s Scope) bool { _, ok := slices.BinarySearch(ss, s); return ok }

// Contains reports whether every scope of sub is in the set.
func (ss Scopes) Contains(sub Scopes) bool {
	for _, s := range sub {
		if !ss.Has(s) {
			return false
		}
	}
	return true
}

// String joins the set with spaces, the OAuth form.
func (ss Scopes) String() string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, " ")
}
