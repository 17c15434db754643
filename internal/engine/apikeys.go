package engine

import (
	"context"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// CreateKeyInput asks for a new API key in the actor's mode.
type CreateKeyInput struct {
	Kind   string
	Name   string
	Scopes []string
}

// MaxRollOverlap is the longest an old key may keep working after a roll.
const MaxRollOverlap = 7 * 24 * time.Hour

// CreateKey adds a key to the actor's merchant, in the actor's mode. The
// secret is returned once and never stored.
func (e *Engine) CreateKey(ctx context.Context, a Actor, in CreateKeyInput) (*auth.APIKey, string, error) {
	kind := auth.KeyKind(in.Kind)
	if in.Kind == "" {
		kind = auth.SecretKey
	}
	if !kind.Valid() {
		return nil, "", fault.InvalidParam("kind", "parameter_invalid", "kind must be secret, restricted or publishable")
	}
	if err := validText("name", in.Name, 100); err != nil {
		return nil, "", err
	}
	var scopes auth.Scopes
	if kind == auth.RestrictedKey {
		if len(in.Scopes) == 0 {
			return nil, "", fault.InvalidParam("scopes", "parameter_missing", "a restricted key needs at least one scope")
		}
		for _, s := range in.Scopes {
			if !auth.Scope(s).Valid() {
				return nil, "", fault.InvalidParam("scopes", "parameter_invalid", "unknown scope %q", s)
			}
			scopes = append(scopes, auth.Scope(s))
		}
		scopes = auth.NewScopes(scopes...)
	} else if len(in.Scopes) > 0 {
		return nil, "", fault.InvalidParam("scopes", "parameter_unexpected", "only restricted keys take scopes")
	}
	if a.Mode != payment.Sandbox && a.Mode != payment.Live {
		return nil, "", fault.InvalidParam("mode", "parameter_invalid", "mode must be sandbox or live")
	}
	if err := mayMintKey(a, kind, scopes); err != nil {
		return nil, "", err
	}
	if _, err := e.store.GetMerchant(ctx, a.MerchantID); err != nil {
		return nil, "", err
	}
	var err error
	secret, key := auth.NewKey(a.MerchantID, a.Mode, kind, in.Name, scopes, e.now())
	if key.CreatedBy, err = e.personBehind(ctx, a); err != nil {
		return nil, "", err
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertAPIKey(ctx, key); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.KeyCreated, "api_key", key.ID, map[string]string{"kind": string(kind), "scopes": scopes.String()}))
	})
	if err != nil {
		return nil, "", err
	}
	return key, secret, nil
}

// personBehind is the person an actor acts for: a signed-in person, or
// the person a key (or its token) was made for; "" for the system.
func (e *Engine) personBehind(ctx context.Context, a Actor) (string, error) {
	p := a.Principal
	switch {
	case p.IsPerson():
		return p.UserID, nil
	case p.KeyID == "":
		return "", nil
	}
	k, err := e.store.GetAPIKey(ctx, a.MerchantID, a.Mode, p.KeyID)
	if err != nil {
		return "", err
	}
	return k.CreatedBy, nil
}

// mayMintKey stops a credential from creating one more powerful than
// itself: a restricted key may only create restricted keys within its own
// scopes; secret keys (and team rights on a key) need a secret key or a
// person who manages the team.
func mayMintKey(a Actor, kind auth.KeyKind, scopes auth.Scopes) error {
	p := a.Principal
	switch {
	case p.Kind == auth.CredSystem || p.Kind == "":
		return nil
	case p.IsPerson():
		if (kind == auth.SecretKey || scopes.Has(auth.ScopeTeamWrite)) && !p.Perms.Has(auth.PermManageTeam) {
			return fault.Missing("permission_denied", string(auth.PermManageTeam))
		}
		return nil
	case p.KeyKind == auth.SecretKey:
		return nil
	}
	if kind != auth.RestrictedKey {
		return fault.New(fault.Forbidden, "secret_key_required", "only a secret key or a team member may create a %s key", kind)
	}
	for _, s := range scopes {
		if !p.Scopes.Has(s) {
			return fault.Missing("insufficient_scope", string(s))
		}
	}
	return nil
}

// ListKeys lists the actor's merchant's keys in the actor's mode (hints only).
func (e *Engine) ListKeys(ctx context.Context, a Actor) ([]*auth.APIKey, error) {
	all, err := e.store.ListAPIKeys(ctx, a.MerchantID)
	if err != nil {
		return nil, err
	}
	var out []*auth.APIKey
	for _, k := range all {
		if k.Mode == a.Mode {
			out = append(out, k)
		}
	}
	return out, nil
}

// GetKey returns one of the actor's keys.
func (e *Engine) GetKey(ctx context.Context, a Actor, id string) (*auth.APIKey, error) {
	return e.store.GetAPIKey(ctx, a.MerchantID, a.Mode, id)
}

// RollKey replaces a key with a new one of the same kind, name and scopes.
// The old key keeps working for overlap (0 = stops now), so a deployment can
// switch without downtime.
func (e *Engine) RollKey(ctx context.Context, a Actor, id string, overlap time.Duration) (*auth.APIKey, string, error) {
	if overlap < 0 || overlap > MaxRollOverlap {
		return nil, "", fault.InvalidParam("overlap_seconds", "parameter_invalid", "overlap must be between 0 and %d seconds", int(MaxRollOverlap.Seconds()))
	}
	var secret string
	var fresh *auth.APIKey
	defer e.credentialsChanged()
	err := e.store.Update(ctx, func(tx Tx) error {
		old, err := tx.GetAPIKey(ctx, a.MerchantID, a.Mode, id)
		if err != nil {
			return err
		}
		now := e.now()
		if !old.Active(now) {
			return fault.New(fault.Conflict, "api_key_revoked", "key %s no longer works and cannot be rolled", id)
		}
		if err := mayMintKey(a, old.Kind, old.Scopes); err != nil {
			return err
		}
		secret, fresh = auth.NewKey(a.MerchantID, a.Mode, old.Kind, old.Name, old.Scopes, now)
		fresh.CreatedBy = old.CreatedBy
		if err := tx.RevokeAPIKey(ctx, a.MerchantID, old.ID, now.Add(overlap)); err != nil {
			return err
		}
		if err := tx.InsertAPIKey(ctx, fresh); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.KeyRolled, "api_key", old.ID,
			map[string]string{"new_key": fresh.ID, "overlap_seconds": strconv.Itoa(int(overlap.Seconds()))}))
	})
	if err != nil {
		return nil, "", err
	}
	return fresh, secret, nil
}

// RevokeKey stops one of the actor's keys at once (and every token issued
// to it). Revoking a key already revoked changes nothing and answers it as
// it is (a rolled key still in its overlap is revoked now).
func (e *Engine) RevokeKey(ctx context.Context, a Actor, id string) (*auth.APIKey, error) {
	var k *auth.APIKey
	defer e.credentialsChanged()
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if k, err = tx.GetAPIKey(ctx, a.MerchantID, a.Mode, id); err != nil {
			return err
		}
		if k.Kind == auth.SecretKey && a.Principal.Kind == auth.CredKey && a.Principal.KeyKind == auth.RestrictedKey {
			return fault.New(fault.Forbidden, "secret_key_required", "a restricted key may not revoke a secret key")
		}
		now := e.now()
		if k.RevokedAt != nil && !k.RevokedAt.After(now) {
			return nil
		}
		if err := tx.RevokeAPIKey(ctx, a.MerchantID, id, now); err != nil {
			return err
		}
		k.RevokedAt = &now
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.KeyRevoked, "api_key", id, nil))
	})
	return k, err
}
