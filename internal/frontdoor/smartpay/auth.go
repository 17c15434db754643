package smartpay

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

type ctxKey struct{}

var (
	errNoCredentials = fault.New(fault.Unauthorized, "missing_credentials", "send Authorization: Basic base64(merchantKey:authenticationKey) or Bearer <access_token>")
	errMerchantKey   = fault.New(fault.Forbidden, "merchant_key_mismatch", "merchantKey does not name the merchant of the credentials")
)

// authenticate turns the Authorization header into an actor through
// paygate's access layer, the same engine calls the native API makes:
// Basic merchantKey:authenticationKey is an API key (the user is the
// merchant id or the key id, the password the secret key), Bearer is an
// OAuth access token from POST /oauth/token (client_credentials) or a
// secret key. The actor must have the scope and permission need names.
func (s *Server) authenticate(r *http.Request, needs []auth.Need) (engine.Actor, error) {
	h := r.Header.Get("Authorization")
	if h == "" || len(h) > 1024 {
		return engine.Actor{}, errNoCredentials
	}
	var a engine.Actor
	var err error
	scheme, rest, _ := strings.Cut(h, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(scheme) {
	case "basic":
		user, pass, ok := r.BasicAuth()
		if !ok || user == "" || pass == "" {
			return engine.Actor{}, errNoCredentials
		}
		a, err = s.e.AuthenticateBasic(r.Context(), user, pass)
	case "bearer":
		if rest == "" {
			return engine.Actor{}, errNoCredentials
		}
		if auth.LooksLikeToken(rest) {
			a, err = s.e.AuthenticateToken(r.Context(), rest)
		} else {
			a, err = s.e.Authenticate(r.Context(), rest)
			if err == nil && a.Principal.KeyKind == auth.PublishableKey {
				err = fault.New(fault.Unauthorized, "invalid_api_key", "a publishable key is not a secret")
			}
		}
	default:
		return engine.Actor{}, errNoCredentials
	}
	if err != nil {
		return engine.Actor{}, err
	}
	for _, need := range needs {
		if ok, missing := a.Principal.Allows(need); !ok {
			return engine.Actor{}, fault.Missing("insufficient_scope", missing)
		}
	}
	a.IP = clientIP(r)
	return a, nil
}

// checkMerchantKey accepts the merchantKey of a body when it names the
// actor's merchant or the key that authenticated (the Basic user name).
func checkMerchantKey(a engine.Actor, key string) error {
	if key == a.MerchantID || (a.Principal.KeyID != "" && key == a.Principal.KeyID) {
		return nil
	}
	return errMerchantKey
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// authed authenticates, and checks the actor has every need, before calling h.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, engine.Actor), needs ...auth.Need) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := s.authenticate(r, needs)
		if err != nil {
			if fault.KindOf(err) == fault.Unauthorized {
				w.Header().Set("WWW-Authenticate", `Basic realm="paygate", charset="UTF-8", Bearer realm="paygate"`)
			}
			s.fail(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, a)), a)
	}
}
