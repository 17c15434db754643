package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLogger
	keyActor
)

func requestID(ctx context.Context) string { s, _ := ctx.Value(keyRequestID).(string); return s }

func logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(keyLogger).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func actorOf(ctx context.Context) engine.Actor { a, _ := ctx.Value(keyActor).(engine.Actor); return a }

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// observe gives every request an id and a logger carrying it, recovers from
// panics, and logs and measures the request once it is done.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(rid) {
			rid = id.New("req")
		}
		w.Header().Set("X-Request-Id", rid)
		log := s.log.With("request_id", rid)
		ctx := context.WithValue(context.WithValue(r.Context(), keyRequestID, rid), keyLogger, log)
		r = r.WithContext(ctx)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic in handler", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if rec.status == 0 {
					writeProblem(rec, r, fault.New(fault.Internal, "internal_error", "panic"))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			elapsed := time.Since(start)
			s.metrics.observe(route, r.Method, rec.status, elapsed)
			log.Info("request", "method", r.Method, "route", route, "status", rec.status, "duration_ms", float64(elapsed.Microseconds())/1000)
		}()
		next.ServeHTTP(rec, r)
	})
}

// notFoundOrMethod turns the mux's plain-text 404 and 405 into problems.
type muxErrors struct {
	mux *http.ServeMux
}

func (m muxErrors) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := m.mux.Handler(r); pattern == "" {
		// Ask the mux which error it would give without letting it write.
		probe := &headerOnly{h: http.Header{}}
		m.mux.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.h.Get("Allow"))
			writeBody(w, http.StatusMethodNotAllowed, mustJSON(problem{Type: "https://paygate.dev/problems/method_not_allowed",
				Title: "Method not allowed", Status: 405, Detail: r.Method + " is not allowed on " + r.URL.Path, Code: "method_not_allowed", RequestID: requestID(r.Context())}))
			return
		}
		writeBody(w, http.StatusNotFound, mustJSON(problem{Type: "https://paygate.dev/problems/route_not_found",
			Title: "Not found", Status: 404, Detail: "no route " + r.Method + " " + r.URL.Path, Code: "route_not_found", RequestID: requestID(r.Context())}))
		return
	}
	m.mux.ServeHTTP(w, r)
}

type headerOnly struct {
	h      http.Header
	status int
}

func (h *headerOnly) Header() http.Header         { return h.h }
func (h *headerOnly) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerOnly) WriteHeader(code int)        { h.status = code }

func itoa(n int) string { return strconv.Itoa(n) }
