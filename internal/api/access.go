package api

import (
	"context"
	"crypto/sha256"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// authCache remembers verified credentials briefly, so a busy merchant does
// not cost a database read (or, for a person's password, an argon2 hash)
// per request; revocation takes effect within the TTL.
type authCache struct {
	ttl time.Duration
	mu  sync.RWMutex
	m   map[[32]byte]authEntry
}

type authEntry struct {
	actor   engine.Actor
	expires time.Time
}

func (c *authCache) get(k [32]byte, now time.Time) (engine.Actor, bool) {
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	return e.actor, ok && now.Before(e.expires)
}

func (c *authCache) put(k [32]byte, a engine.Actor, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10000 {
		c.m = map[[32]byte]authEntry{}
	}
	c.m[k] = authEntry{actor: a, expires: now.Add(c.ttl)}
}

// sessionCookie holds a dashboard session. __Host- makes browsers insist on
// Secure, Path=/ and no Domain, so no sibling host can set or read it.
const sessionCookie = "__Host-paygate_session"

// modeHeader chooses the mode a person acts in (keys carry their own).
const modeHeader = "Paygate-Mode"

// clientIP is the peer address. paygate does not trust X-Forwarded-For: a
// deployment behind a proxy should rate-limit at the proxy too.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// guard authenticates a request, applies the rate limits, and checks the
// route's need, before calling next with the actor in the context.
func (s *Server) guard(need auth.Need, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ip := clientIP(r)
		if !s.limits.allowIP(w, r, ip) {
			return
		}
		a, err := s.authenticate(r, ip)
		if err != nil {
			if fault.KindOf(err) == fault.Unauthorized {
				s.limits.failed("ip|" + ip)
				w.Header().Set("WWW-Authenticate", challenge(r, err))
			}
			var l limited
			if errors.As(err, &l) {
				retryAfter(w, l.wait)
			}
			writeProblem(w, r, err)
			return
		}
		if !s.limits.allowCredential(w, r, a.Principal.ID) {
			return
		}
		if ok, missing := a.Principal.Allows(need); !ok {
			code := "insufficient_scope"
			if a.Principal.IsPerson() {
				code = "permission_denied"
			} else if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer") {
				w.Header().Set("WWW-Authenticate", `Bearer realm="paygate", error="insufficient_scope", scope="`+missing+`"`)
			}
			writeProblem(w, r, fault.Missing(code, missing))
			return
		}
		a.IP, a.RequestID = ip, requestID(r.Context())
		next(w, r.WithContext(context.WithValue(r.Context(), keyActor, a)))
	}
}

// challenge is the WWW-Authenticate answer to a failed authentication
// (RFC 6750 §3 for bearer tokens).
func challenge(r *http.Request, err error) string {
	h := strings.ToLower(r.Header.Get("Authorization"))
	switch {
	case strings.HasPrefix(h, "basic"):
		return `Basic realm="paygate", charset="UTF-8"`
	case h == "":
		return `Bearer realm="paygate"`
	}
	return `Bearer realm="paygate", error="invalid_token", error_description="` + fault.As(err).Message + `"`
}

var errNoCredentials = fault.New(fault.Unauthorized, "missing_credentials",
	"send a key as Authorization: Bearer sk_…, an OAuth access token, Basic credentials, or Api-Key")

// authenticate finds who is asking, from the Authorization header or the
// dashboard's session cookie.
func (s *Server) authenticate(r *http.Request, ip string) (engine.Actor, error) {
	h := r.Header.Get("Authorization")
	mode := payment.Mode(r.Header.Get(modeHeader))
	if mode == "" {
		mode = payment.Sandbox
	}
	if mode != payment.Sandbox && mode != payment.Live {
		return engine.Actor{}, fault.InvalidParam(modeHeader, "parameter_invalid", "%s must be sandbox or live", modeHeader)
	}
	var secret string
	if h == "" {
		c, err := r.Cookie(sessionCookie)
		if err != nil {
			return engine.Actor{}, errNoCredentials
		}
		secret = c.Value
		if err := checkCSRF(r, secret); err != nil {
			return engine.Actor{}, err
		}
	}
	key := sha256.Sum256([]byte(h + "\x00" + secret + "\x00" + string(mode)))
	now := time.Now()
	if a, ok := s.auth.get(key, now); ok {
		return a, nil
	}
	src := engine.Source{IP: ip, RequestID: requestID(r.Context())}
	a, err := s.verify(r.Context(), key, h, secret, mode, src)
	if err != nil {
		return engine.Actor{}, err
	}
	s.auth.put(key, a, now)
	return a, nil
}

// checkPassword is a person's email and password, checked under the
// sign-in limits (one check of an account at a time, failures slow the
// account and the address) and remembered in the credential cache under
// key; a check that waited its turn first looks whether the one before it
// filled the cache.
func (s *Server) checkPassword(ctx context.Context, key [32]byte, user, pass string, mode payment.Mode, src engine.Source) (engine.Actor, error) {
	done, wait, ok := s.limits.allowLogin(ctx, user, src.IP)
	if !ok {
		return engine.Actor{}, limited{errLoginBlocked, wait}
	}
	defer done()
	if a, ok := s.auth.get(key, time.Now()); ok {
		return a, nil
	}
	a, err := s.engine.AuthenticateUser(ctx, user, pass, mode, src)
	s.limits.loginResult(user, src.IP, err)
	if err == nil {
		// Cached before the turn passes on, so the next in line finds it.
		s.auth.put(key, a, time.Now())
	}
	return a, err
}

// PasswordChecker checks a person's email and password for a front door
// that takes Basic credentials of its own (Ottu's), with the API's limits
// and cache: a door's password guesses are slowed like the API's.
func (s *Server) PasswordChecker() func(ctx context.Context, user, pass string, mode payment.Mode, ip string) (engine.Actor, error) {
	return func(ctx context.Context, user, pass string, mode payment.Mode, ip string) (engine.Actor, error) {
		key := sha256.Sum256([]byte("door-basic\x00" + user + "\x00" + pass + "\x00" + string(mode)))
		if a, ok := s.auth.get(key, time.Now()); ok {
			return a, nil
		}
		return s.checkPassword(ctx, key, user, pass, mode, engine.Source{IP: ip})
	}
}

// verify asks the engine about a credential not in the cache.
func (s *Server) verify(ctx context.Context, key [32]byte, header, session string, mode payment.Mode, src engine.Source) (engine.Actor, error) {
	if header == "" {
		return s.engine.AuthenticateSession(ctx, session, mode, src)
	}
	c, ok := parseAuthorization(header)
	if !ok {
		return engine.Actor{}, fault.New(fault.Unauthorized, "malformed_authorization", "the Authorization header is not Bearer, Basic or Api-Key credentials")
	}
	switch c.scheme {
	case "bearer":
		if auth.LooksLikeToken(c.token) {
			return s.engine.AuthenticateToken(ctx, c.token)
		}
		return s.engine.Authenticate(ctx, c.token)
	case "api-key":
		a, err := s.engine.Authenticate(ctx, c.token)
		if err == nil && a.Principal.KeyKind == auth.PublishableKey {
			return engine.Actor{}, fault.New(fault.Unauthorized, "invalid_api_key", "a publishable key is not a secret: use it only from a browser")
		}
		return a, err
	default: // basic
		if auth.LooksLikeKey(c.pass) {
			return s.engine.AuthenticateBasic(ctx, c.user, c.pass)
		}
		return s.checkPassword(ctx, key, c.user, c.pass, mode, src)
	}
}

var errLoginBlocked = fault.New(fault.RateLimited, "too_many_failed_attempts", "too many failed sign-in attempts; wait before trying again")

// limited is a refusal for too many attempts, with how long to wait.
type limited struct {
	err  *fault.Error
	wait time.Duration
}

func (l limited) Error() string { return l.err.Error() }

// RetryAfter is how long to wait before trying again.
func (l limited) RetryAfter() time.Duration { return l.wait }
func (l limited) Unwrap() error             { return l.err }

func retryAfter(w http.ResponseWriter, d time.Duration) {
	secs := int((d + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
}

// clear forgets every cached credential (after a revocation on this node).
func (c *authCache) clear() {
	c.mu.Lock()
	c.m = map[[32]byte]authEntry{}
	c.mu.Unlock()
}
