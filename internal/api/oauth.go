package api

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

// oauthError is the RFC 6749 §5.2 error body.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func writeOAuth(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	// RFC 6749 §5.1: token answers must not be cached.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// oauthFail maps an engine error to RFC 6749 §5.2: a failed client
// authentication is 401 with a Basic challenge when the client used Basic.
func oauthFail(w http.ResponseWriter, r *http.Request, err error) {
	fe := fault.As(err)
	switch fe.Code {
	case "invalid_client":
		if _, _, ok := r.BasicAuth(); ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="paygate"`)
		}
		writeOAuth(w, http.StatusUnauthorized, oauthError{"invalid_client", fe.Message})
	case "invalid_scope", "invalid_request", "unsupported_grant_type", "invalid_grant":
		writeOAuth(w, http.StatusBadRequest, oauthError{fe.Code, fe.Message})
	default:
		if fe.Kind == fault.RateLimited {
			writeOAuth(w, http.StatusTooManyRequests, oauthError{"slow_down", fe.Message})
			return
		}
		writeProblem(w, r, err)
	}
}

var errOAuthRequest = fault.New(fault.Invalid, "invalid_request", "send an application/x-www-form-urlencoded body with grant_type")

// oauthForm reads the form body and the client's credentials (RFC 6749
// §2.3.1: Basic header or body, never both).
func (s *Server) oauthForm(r *http.Request) (form url.Values, clientID, secret string, err error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return nil, "", "", errOAuthRequest
	}
	body, err := readRaw(r, 8<<10)
	if err != nil {
		return nil, "", "", errOAuthRequest
	}
	if form, err = url.ParseQuery(string(body)); err != nil {
		return nil, "", "", errOAuthRequest
	}
	for k, v := range form {
		if len(v) > 1 {
			return nil, "", "", fault.New(fault.Invalid, "invalid_request", "parameter %s is repeated", k)
		}
	}
	id, sec, basic := r.BasicAuth()
	if basic {
		if form.Has("client_secret") {
			return nil, "", "", fault.New(fault.Invalid, "invalid_request", "send the client credentials in the Basic header or the body, not both")
		}
		// RFC 6749 §2.3.1: the Basic parts are form-encoded.
		id, _ = url.QueryUnescape(id)
		sec, _ = url.QueryUnescape(sec)
		return form, id, sec, nil
	}
	return form, form.Get("client_id"), form.Get("client_secret"), nil
}

// issueToken is POST /oauth/token. Only client_credentials is granted: the
// password grant is refused without looking at any user (RFC 9700 §2.4).
func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) {
	ip := clientIP(r)
	if !s.limits.allowAuth(w, r, ip) {
		return
	}
	form, clientID, secret, err := s.oauthForm(r)
	if err != nil {
		oauthFail(w, r, err)
		return
	}
	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		oauthFail(w, r, fault.New(fault.Invalid, "invalid_request", "grant_type is required"))
		return
	default:
		oauthFail(w, r, fault.New(fault.Invalid, "unsupported_grant_type", "grant_type %q is not supported: use client_credentials", gt))
		return
	}
	done, wait, ok := s.limits.allowLogin(r.Context(), "client|"+clientID, ip)
	if !ok {
		retryAfter(w, wait)
		oauthFail(w, r, errLoginBlocked)
		return
	}
	defer done()
	tok, err := s.engine.IssueToken(r.Context(), engine.TokenRequest{ClientID: clientID, ClientSecret: secret,
		Scope: form.Get("scope"), Source: engine.Source{IP: ip, RequestID: requestID(r.Context())}})
	s.limits.loginResult("client|"+clientID, ip, err)
	if err != nil {
		oauthFail(w, r, err)
		return
	}
	writeOAuth(w, http.StatusOK, map[string]any{"access_token": tok.Token, "token_type": "Bearer",
		"expires_in": tok.ExpiresIn, "scope": tok.Scopes.String()})
}

// revokeToken is POST /oauth/revoke (RFC 7009): 200 whether or not the
// token existed.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	ip := clientIP(r)
	if !s.limits.allowAuth(w, r, ip) {
		return
	}
	form, clientID, secret, err := s.oauthForm(r)
	if err == nil && form.Get("token") == "" {
		err = fault.New(fault.Invalid, "invalid_request", "token is required")
	}
	if err != nil {
		oauthFail(w, r, err)
		return
	}
	if hint := form.Get("token_type_hint"); hint != "" && hint != "access_token" {
		writeOAuth(w, http.StatusBadRequest, oauthError{"unsupported_token_type", "only access tokens are issued"})
		return
	}
	err = s.engine.RevokeToken(r.Context(), clientID, secret, form.Get("token"), engine.Source{IP: ip, RequestID: requestID(r.Context())})
	if err != nil {
		if fault.KindOf(err) == fault.Unauthorized {
			s.limits.failed("ip|" + ip)
		}
		oauthFail(w, r, err)
		return
	}
	// Tokens verified in the last seconds may be cached: forget them all so
	// the revocation takes effect at once on this node.
	s.auth.clear()
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
