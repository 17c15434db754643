package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// Source is where an unauthenticated request (a login, a token request)
// came from, for the audit log.
type Source struct {
	IP, RequestID string
}

var errInvalidKey = fault.New(fault.Unauthorized, "invalid_api_key", "the API key is missing, malformed, revoked or unknown")

// Authenticate turns an API key into the merchant, mode and rights it acts
// with. Every failure is the same Unauthorized error, so callers learn
// nothing about which keys exist.
func (e *Engine) Authenticate(ctx context.Context, secret string) (Actor, error) {
	k, err := e.findKey(ctx, secret)
	if err != nil {
		return Actor{}, err
	}
	return keyActor(k), nil
}

func keyActor(k *auth.APIKey) Actor {
	return Actor{MerchantID: k.MerchantID, Mode: k.Mode, Principal: auth.Principal{
		Kind: auth.CredKey, ID: k.ID, KeyID: k.ID, KeyKind: k.Kind, Scopes: auth.KeyScopes(k)}}
}

// findKey returns the active key whose secret this is.
func (e *Engine) findKey(ctx context.Context, secret string) (*auth.APIKey, error) {
	if !auth.LooksLikeKey(secret) {
		return nil, errInvalidKey
	}
	hash := auth.HashSecret(secret)
	k, err := e.store.FindAPIKey(ctx, hash)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			return nil, errInvalidKey
		}
		return nil, err
	}
	kind, mode, _ := auth.KindAndModeOf(secret)
	if !auth.HashesEqual(k.Hash, hash) || !k.Active(e.now()) || k.Mode != mode || k.Kind != kind {
		return nil, errInvalidKey
	}
	return k, nil
}

// AuthenticateBasic checks HTTP Basic credentials that carry an API key:
// user is the merchant id or the key id, password the secret or restricted
// key (SmartPay's merchantKey:authenticationKey). Publishable keys are not
// accepted: they are not secret.
func (e *Engine) AuthenticateBasic(ctx context.Context, user, secret string) (Actor, error) {
	k, err := e.findKey(ctx, secret)
	if err != nil {
		return Actor{}, err
	}
	if k.Kind == auth.PublishableKey || !(auth.HashesEqual(user, k.MerchantID) || auth.HashesEqual(user, k.ID)) {
		return Actor{}, errInvalidKey
	}
	return keyActor(k), nil
}

var errInvalidToken = fault.New(fault.Unauthorized, "invalid_token", "the access token is malformed, expired, revoked or unknown")

// AuthenticateToken turns an OAuth access token into its actor. A token
// dies with the key it was issued to.
func (e *Engine) AuthenticateToken(ctx context.Context, token string) (Actor, error) {
	if !auth.LooksLikeToken(token) {
		return Actor{}, errInvalidToken
	}
	hash := auth.HashSecret(token)
	t, err := e.store.FindOAuthToken(ctx, hash)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			return Actor{}, errInvalidToken
		}
		return Actor{}, err
	}
	now := e.now()
	if !auth.HashesEqual(t.Hash, hash) || !t.Active(now) {
		return Actor{}, errInvalidToken
	}
	k, err := e.store.GetAPIKey(ctx, t.MerchantID, payment.Mode(t.Mode), t.KeyID)
	if err != nil || !k.Active(now) {
		return Actor{}, errInvalidToken
	}
	return Actor{MerchantID: t.MerchantID, Mode: payment.Mode(t.Mode), Principal: auth.Principal{
		Kind: auth.CredToken, ID: t.ID, KeyID: t.KeyID, KeyKind: k.Kind, Scopes: t.Scopes}}, nil
}

var errInvalidCredentials = fault.New(fault.Unauthorized, "invalid_credentials", "the email or password is wrong, or the account is disabled")

// AuthenticateUser checks a person's email and password (HTTP Basic on the
// API, Ottu's user credentials) and returns an actor limited to their
// permissions, in the mode asked for. Failures are audited.
func (e *Engine) AuthenticateUser(ctx context.Context, email, password string, mode payment.Mode, src Source) (Actor, error) {
	u, err := e.checkPassword(ctx, email, password, src, "api_basic")
	if err != nil {
		return Actor{}, err
	}
	if u.TOTPEnabled {
		// A password alone must not do what the dashboard asks a second
		// factor for; only the right password learns this.
		return Actor{}, errBasicWithTOTP
	}
	return userActor(u, mode, u.ID, auth.CredUser, src), nil
}

var errBasicWithTOTP = fault.New(fault.Forbidden, "two_factor_enabled",
	"this person has two-factor authentication, so Basic with their password is refused; use an API key or an OAuth token")

func userActor(u *auth.User, mode payment.Mode, credID string, kind auth.CredentialKind, src Source) Actor {
	return Actor{MerchantID: u.MerchantID, Mode: mode, IP: src.IP, RequestID: src.RequestID,
		Principal: auth.Principal{Kind: kind, ID: credID, UserID: u.ID, Role: u.Role, Perms: u.Permissions()}}
}

// dummyHash is verified when no user has the email, so a wrong email takes
// as long as a wrong password and does not reveal who has an account.
func (e *Engine) dummyHash() string {
	e.dummyOnce.Do(func() { e.dummy, _ = auth.HashPassword("paygate-no-such-user", e.pwParams) })
	return e.dummy
}

// checkPassword verifies a person's password; a failure is audited against
// the person's merchant (when the email is known) and answers the same
// error whatever went wrong.
func (e *Engine) checkPassword(ctx context.Context, email, password string, src Source, channel string) (*auth.User, error) {
	norm, ok := auth.NormalizeEmail(email)
	var u *auth.User
	if ok {
		var err error
		if u, err = e.store.FindUserByEmail(ctx, norm); err != nil && fault.KindOf(err) != fault.NotFound {
			return nil, err
		}
	}
	hash := e.dummyHash()
	if u != nil {
		hash = u.PasswordHash
	}
	good, _ := auth.VerifyPassword(hash, password)
	if u == nil || !good || !u.Active() {
		if u != nil {
			a := Actor{MerchantID: u.MerchantID, IP: src.IP, RequestID: src.RequestID,
				Principal: auth.Principal{Kind: auth.CredUser, UserID: u.ID}}
			if err := e.recordAudit(ctx, e.auditEvent(a, audit.LoginFailed, "user", u.ID, map[string]string{"channel": channel})); err != nil {
				return nil, err
			}
		}
		return nil, errInvalidCredentials
	}
	return u, nil
}

// tokenLifetime bounds what a configuration may ask for.
func clampDuration(d, def, max time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return min(d, max)
}
