package smartpay

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
)

// Door is the door's name: CreatePaymentInput.Door, engine.Config.Doors and
// the namespace of partnerReferences.
const Door = "smartpay"

// Prefix is where the door is mounted beside the native API: SmartPay's
// {Base URL} is paygate's own base URL, so /payment/creation keeps its path.
const Prefix = "/payment/"

// Config wires a Server.
type Config struct {
	Engine *engine.Engine
	Logger *slog.Logger
	// PublicURL is paygate's base URL as payers' browsers reach it (the
	// engine's PublicURL); the widget's return page lives under it. Empty:
	// the request's own scheme and host.
	PublicURL string
	// SettleAfter reports a captured payment as SETTLED this long after its
	// capture succeeded, and sends its SETTLED webhook then (paygate has no
	// settlement files; see status.go and notify.go). Zero never reports
	// SETTLED. paygate serve sets it from --smartpay-settle-after.
	SettleAfter time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// BodyLimit caps a request body (default 64 KiB).
	BodyLimit int64
}

// Server serves the SmartPay protocol and renders SmartPay webhooks
// (Notification, engine.DoorNotifier). It is safe for concurrent use.
type Server struct {
	e      *engine.Engine
	log    *slog.Logger
	public string
	settle time.Duration
	now    func() time.Time
	limit  int64
}

// New returns a Server.
func New(cfg Config) *Server {
	s := &Server{e: cfg.Engine, log: cfg.Logger, public: strings.TrimSuffix(cfg.PublicURL, "/"), settle: cfg.SettleAfter, now: cfg.Now, limit: cfg.BodyLimit}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limit <= 0 {
		s.limit = 64 << 10
	}
	return s
}

// body reads a request body; the body is never logged (it may name people).
func (s *Server) body(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.limit))
	if err != nil {
		return nil, badField("body", "is too large or unreadable")
	}
	return b, nil
}

// base is paygate's public base URL.
func (s *Server) base(r *http.Request) string {
	if s.public != "" {
		return s.public
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
