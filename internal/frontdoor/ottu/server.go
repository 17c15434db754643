package ottu

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// Door is the front door's name (CreatePaymentInput.Door, engine.Config.Doors).
const Door = "ottu"

// Prefixes are where the door is mounted beside the native API (whose own
// POST /b/pbl/v2/payment-methods/ stays native).
var Prefixes = []string{"/b/checkout/v1/", "/b/pbl/v2/operation/", "/b/pbl/v2/inquiry/", "/b/pbl/v2/payment/", "/b/pbl/v2/card/"}

// ModeHeader chooses sandbox or live for Basic (user) credentials, as on
// the native API; API keys carry their own mode.
const ModeHeader = "Paygate-Mode"

// Config wires a Server.
type Config struct {
	Engine *engine.Engine
	Logger *slog.Logger
	// PublicURL is paygate's base URL as payers reach it (the engine's
	// PublicURL), for the return page behind the hosted checkout.
	PublicURL string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// BodyLimit caps a request body (default 64 KiB).
	BodyLimit int64
	// ReturnWait is how long the return page waits for the payment webhook's
	// answer before showing the summary (default 30 s; Ottu's endpoint
	// budget is 25 s).
	ReturnWait time.Duration
}

// Server serves Ottu's protocol. It is safe for concurrent use.
type Server struct {
	e          *engine.Engine
	log        *slog.Logger
	public     string
	now        func() time.Time
	limit      int64
	returnWait time.Duration
	passwords  atomic.Pointer[PasswordChecker]
}

// PasswordChecker checks a person's Basic email and password under the
// API's sign-in limits and credential cache (api.Server.PasswordChecker).
type PasswordChecker func(ctx context.Context, user, pass string, mode payment.Mode, ip string) (engine.Actor, error)

// UsePasswords makes the door check Basic passwords with check, so guesses
// through the door are slowed like the API's (the API server, which owns
// the limits, is built after the door). Without it the engine checks them
// unthrottled: tests only.
func (s *Server) UsePasswords(check PasswordChecker) { s.passwords.Store(&check) }

// New returns a Server.
func New(cfg Config) *Server {
	s := &Server{e: cfg.Engine, log: cfg.Logger, public: strings.TrimRight(cfg.PublicURL, "/"), now: cfg.Now, limit: cfg.BodyLimit, returnWait: cfg.ReturnWait}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limit <= 0 {
		s.limit = 64 << 10
	}
	if s.returnWait <= 0 {
		s.returnWait = 30 * time.Second
	}
	if s.public == "" {
		s.public = "http://localhost:8080"
	}
	return s
}

// Handler serves every endpoint of the door under Prefixes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	const co = "/b/checkout/v1/pymt-txn/"
	mux.HandleFunc("POST "+co, s.authed(need{auth.ScopePaymentsWrite, auth.PermCreatePayments}, s.createCheckout))
	mux.HandleFunc("GET "+co+"{session_id}/", s.authed(need{auth.ScopePaymentsRead, auth.PermViewPayments}, s.getCheckout))
	mux.HandleFunc("PUT "+co+"{session_id}/", s.authed(need{auth.ScopePaymentsWrite, auth.PermCreatePayments}, s.updateCheckout(false)))
	mux.HandleFunc("PATCH "+co+"{session_id}/", s.authed(need{auth.ScopePaymentsWrite, auth.PermCreatePayments}, s.updateCheckout(true)))
	mux.HandleFunc("GET /b/checkout/v1/return/", s.returnPage)
	mux.HandleFunc("POST /b/pbl/v2/operation/", s.authed(need{}, s.operation))
	mux.HandleFunc("POST /b/pbl/v2/inquiry/", s.authed(need{auth.ScopePaymentsRead, auth.PermViewPayments}, s.inquiry))
	mux.HandleFunc("POST /b/pbl/v2/payment/auto-debit/", s.authed(need{auth.ScopePaymentsWrite, auth.PermCreatePayments}, s.autoDebit))
	mux.HandleFunc("POST /b/pbl/v2/card/", s.authed(need{auth.ScopePaymentsRead, auth.PermViewPayments}, s.listCards))
	mux.HandleFunc("DELETE /b/pbl/v2/card/{token}/", s.authed(need{auth.ScopeCustomersWrite, auth.PermManageCustomer}, s.deleteCard))
	for _, p := range Prefixes {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			s.fail(w, r, fault.New(fault.NotFound, "route_missing", "Not found."))
		})
	}
	return s.recoverer(mux)
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				s.log.ErrorContext(r.Context(), "ottu handler panicked", "panic", v)
				s.fail(w, r, fault.New(fault.Internal, "panic", "internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type need struct {
	scope auth.Scope
	perm  auth.Permission
}

type ctxKey struct{}

// actorOf is the authenticated actor of a request.
func actorOf(r *http.Request) engine.Actor {
	a, _ := r.Context().Value(ctxKey{}).(engine.Actor)
	return a
}

var (
	errNoAuth   = fault.New(fault.Unauthorized, "not_authenticated", "Authentication credentials were not provided.")
	errBadAuth  = fault.New(fault.Unauthorized, "authentication_failed", "Invalid API key or username/password.")
	errNoAccess = fault.New(fault.Forbidden, "permission_denied", "You do not have permission to perform this action.")
)

// authed authenticates Ottu's Api-Key or Basic credentials (a person's
// email and password, or merchant id and secret key) and checks n.
func (s *Server) authed(n need, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if ok, _ := a.Principal.Allows(auth.Need{Scope: n.scope, Perm: n.perm}); !ok {
			s.fail(w, r, errNoAccess)
			return
		}
		a.IP = r.RemoteAddr
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, a)))
	}
}

func (s *Server) authenticate(r *http.Request) (engine.Actor, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return engine.Actor{}, errNoAuth
	}
	if len(h) > 1024 || !utf8.ValidString(h) {
		return engine.Actor{}, errBadAuth
	}
	scheme, rest, _ := strings.Cut(h, " ")
	rest = strings.TrimSpace(rest)
	if rest == "" || strings.ContainsAny(rest, " \t\r\n") {
		return engine.Actor{}, errBadAuth
	}
	ctx := r.Context()
	switch strings.ToLower(scheme) {
	case "api-key":
		a, err := s.e.Authenticate(ctx, rest)
		if err != nil || a.Principal.KeyKind == auth.PublishableKey {
			return engine.Actor{}, errBadAuth
		}
		return a, nil
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(rest)
		if err != nil || !utf8.Valid(raw) {
			return engine.Actor{}, errBadAuth
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		if !ok || user == "" || pass == "" {
			return engine.Actor{}, errBadAuth
		}
		if auth.LooksLikeKey(pass) {
			a, err := s.e.AuthenticateBasic(ctx, user, pass)
			if err != nil {
				return engine.Actor{}, errBadAuth
			}
			return a, nil
		}
		mode := payment.Mode(r.Header.Get(ModeHeader))
		if mode == "" {
			mode = payment.Sandbox
		}
		if mode != payment.Sandbox && mode != payment.Live {
			return engine.Actor{}, fault.InvalidParam(ModeHeader, "parameter_invalid", "must be sandbox or live")
		}
		ip, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			ip = r.RemoteAddr
		}
		check := func(ctx context.Context, user, pass string, mode payment.Mode, ip string) (engine.Actor, error) {
			return s.e.AuthenticateUser(ctx, user, pass, mode, engine.Source{IP: ip})
		}
		if p := s.passwords.Load(); p != nil {
			check = *p
		}
		a, err := check(ctx, user, pass, mode, ip)
		switch fe := fault.As(err); {
		case err == nil:
			return a, nil
		case fe.Kind == fault.RateLimited, fe.Code == "two_factor_enabled":
			return engine.Actor{}, err // says what to do, unlike a wrong password
		}
		return engine.Actor{}, errBadAuth
	}
	return engine.Actor{}, errBadAuth
}

// readJSON decodes a JSON object body into v (unknown fields are ignored,
// as Ottu ignores read-only and unknown fields).
func (s *Server) readJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.limit))
	if err != nil {
		return fieldErr("non_field_errors", "The request body is too large or unreadable.")
	}
	return decodeJSON(b, v)
}

func decodeJSON(b []byte, v any) error {
	if len(strings.TrimSpace(string(b))) == 0 {
		b = []byte("{}")
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fieldErr(te.Field, "Incorrect type.")
		}
		return fieldErr("non_field_errors", "JSON parse error.")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"detail":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}
