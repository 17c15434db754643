package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
)

// TokenRequest is an OAuth 2.0 client_credentials grant (RFC 6749 §4.4):
// the client id is an API key's id and the client secret is that key.
type TokenRequest struct {
	ClientID, ClientSecret string
	// Scope is the space-separated scopes asked for; empty asks for all the key has.
	Scope string
	Source
}

// IssuedToken is a new access token, shown once.
type IssuedToken struct {
	Token     string
	ExpiresIn int
	Scopes    auth.Scopes
}

// OAuth errors (RFC 6749 §5.2); the HTTP door renders their codes as-is.
var (
	errInvalidClient = fault.New(fault.Unauthorized, "invalid_client", "client authentication failed")
)

// authenticateClient checks OAuth client credentials.
func (e *Engine) authenticateClient(ctx context.Context, clientID, secret string) (*auth.APIKey, error) {
	k, err := e.findKey(ctx, secret)
	if err != nil {
		if fault.KindOf(err) == fault.Unauthorized {
			return nil, errInvalidClient
		}
		return nil, err
	}
	if k.Kind == auth.PublishableKey || !auth.HashesEqual(clientID, k.ID) {
		return nil, errInvalidClient
	}
	return k, nil
}

// IssueToken grants an access token to a confidential client. The token can
// do at most what its key can, and dies with the key.
func (e *Engine) IssueToken(ctx context.Context, req TokenRequest) (*IssuedToken, error) {
	k, err := e.authenticateClient(ctx, req.ClientID, req.ClientSecret)
	if err != nil {
		return nil, err
	}
	have := auth.KeyScopes(k)
	scopes := have
	if req.Scope != "" {
		asked, bad, ok := auth.ParseScopes(req.Scope)
		if !ok {
			return nil, fault.InvalidParam("scope", "invalid_scope", "unknown scope %q", bad)
		}
		if !have.Contains(asked) {
			return nil, fault.InvalidParam("scope", "invalid_scope", "the client may not have scope %q", asked.String())
		}
		scopes = asked
	}
	secret := auth.TokenPrefix + id.Secret(32)
	now := e.now()
	t := &auth.Token{ID: id.New("tok"), Hash: auth.HashSecret(secret), KeyID: k.ID, MerchantID: k.MerchantID,
		Mode: string(k.Mode), Scopes: scopes, CreatedAt: now, ExpiresAt: now.Add(e.tokenTTL)}
	a := keyActor(k)
	a.IP, a.RequestID = req.IP, req.RequestID
	err = e.store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertOAuthToken(ctx, t); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.TokenIssued, "oauth_token", t.ID, map[string]string{"scope": scopes.String()}))
	})
	if err != nil {
		return nil, err
	}
	return &IssuedToken{Token: secret, ExpiresIn: int(e.tokenTTL / time.Second), Scopes: scopes}, nil
}

// RevokeToken revokes an access token of the client's merchant (RFC 7009).
// An unknown, expired or foreign token is not an error: the answer must not
// tell the client which tokens exist.
func (e *Engine) RevokeToken(ctx context.Context, clientID, clientSecret, token string, src Source) error {
	k, err := e.authenticateClient(ctx, clientID, clientSecret)
	if err != nil {
		return err
	}
	if !auth.LooksLikeToken(token) {
		return nil
	}
	a := keyActor(k)
	a.IP, a.RequestID = src.IP, src.RequestID
	defer e.credentialsChanged()
	return e.store.Update(ctx, func(tx Tx) error {
		revoked, err := tx.RevokeOAuthToken(ctx, k.MerchantID, auth.HashSecret(token), e.now())
		if err != nil || !revoked {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.TokenRevoked, "oauth_token", "", nil))
	})
}
