package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/ratelimit"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Config wires a Server.
type Config struct {
	Engine *engine.Engine
	Logger *slog.Logger
	// Registry gathers /metrics; Metrics must be registered on it (NewMetrics).
	Registry *prometheus.Registry
	Metrics  *Metrics
	// BodyLimit caps request bodies (default 64 KiB).
	BodyLimit int64
	// AuthCacheTTL is how long a verified credential is trusted without a
	// lookup (default 2 s): the most a revocation on another node takes.
	AuthCacheTTL time.Duration
	// RateLimits; nil means DefaultRateLimits.
	RateLimits *RateLimits
	// Logins, if set, is the sign-in limiter to share with the dashboard's
	// form (NewLoginLimiter), so an account has one budget of free failures
	// whichever way it is tried; else the API keeps its own.
	Logins *ratelimit.Backoff
	// SessionTTL is the dashboard cookie's lifetime (default 12 h); match the engine's.
	SessionTTL time.Duration
	// Now is the clock of the rate limiters (default time.Now).
	Now func() time.Time
	// Pages serves the browser-facing pages (hosted checkout, hosted
	// fields, 3-D Secure) under PagePrefixes, with the API's request ids,
	// logs and metrics.
	Pages http.Handler
	// Doors are the vendor-compatible front doors by path prefix (such as
	// "/transactionServices/REST/v1/"); they share the request ids, access
	// log and metrics of the API but answer in their own formats.
	Doors        map[string]http.Handler
	PagePrefixes []string
}

// Server is the native API.
type Server struct {
	engine     *engine.Engine
	log        *slog.Logger
	reg        *prometheus.Registry
	metrics    *Metrics
	limit      int64
	auth       *authCache
	limits     *limits
	sessionTTL time.Duration
	handler    http.Handler
}

// New builds the API from cfg.
func New(cfg Config) *Server {
	s := &Server{engine: cfg.Engine, log: cfg.Logger, reg: cfg.Registry, metrics: cfg.Metrics, limit: cfg.BodyLimit}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
	}
	if s.metrics == nil {
		s.metrics = NewMetrics(s.reg)
	}
	if s.limit <= 0 {
		s.limit = 64 << 10
	}
	ttl := cfg.AuthCacheTTL
	if ttl <= 0 {
		ttl = 2 * time.Second
	}
	s.auth = &authCache{ttl: ttl, m: map[[32]byte]authEntry{}}
	if s.engine != nil {
		// A key revoked from the dashboard or the CLI stops here at once too.
		s.engine.OnCredentialChange(s.auth.clear)
	}
	rl := DefaultRateLimits
	if cfg.RateLimits != nil {
		rl = *cfg.RateLimits
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s.limits = newLimits(rl, now, cfg.Logins)
	s.sessionTTL = cfg.SessionTTL
	if s.sessionTTL <= 0 {
		s.sessionTTL = 12 * time.Hour
	}
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		h := rt.handler
		if rt.once || rt.onceSecret {
			h = s.once(h, rt.onceSecret)
		}
		if !rt.public {
			h = s.guard(rt.need, h)
		}
		if rt.path == ottuPaymentMethodsPath {
			h = ottuShaped(h) // Ottu's error shapes, the guard's refusals included
		}
		mux.HandleFunc(rt.method+" "+rt.path, h)
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	if cfg.Pages != nil {
		for _, p := range cfg.PagePrefixes {
			mux.Handle(p, cfg.Pages)
		}
	}
	for prefix, h := range cfg.Doors {
		mux.Handle(prefix, h)
	}
	s.handler = s.observe(muxErrors{mux: mux})
	return s
}

// Handler returns the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler { return s.handler }
