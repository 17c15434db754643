package delivery

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer counts the connections it accepts.
func countingServer(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int32) {
	var accepts atomic.Int32
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			accepts.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &accepts
}

// TestPrivateDestinationsAreRefusedAtDialTime covers WH-10: without
// permission, a delivery to loopback never connects.
func TestPrivateDestinationsAreRefusedAtDialTime(t *testing.T) {
	srv, accepts := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	s := New(15 * time.Second)
	for _, u := range []string{srv.URL, "http://169.254.169.254/latest/meta-data", "http://[::1]:9/"} {
		res := s.Send(t.Context(), u, nil, []byte("{}"), false)
		if !errors.Is(res.Err, ErrBlocked) {
			t.Errorf("%s: %+v", u, res)
		}
	}
	// A name that resolves to loopback is refused too (checked on the dialled address).
	if res := s.Send(t.Context(), "http://localhost:"+srv.Listener.Addr().(*net.TCPAddr).AddrPort().String()[len("127.0.0.1:"):]+"/", nil, nil, false); !errors.Is(res.Err, ErrBlocked) {
		t.Errorf("localhost: %+v", res)
	}
	if n := accepts.Load(); n != 0 {
		t.Fatalf("the internal listener accepted %d connections", n)
	}
	if res := s.Send(t.Context(), srv.URL, nil, nil, true); res.Err != nil || res.Status != 200 || accepts.Load() != 1 {
		t.Fatalf("allowed private delivery: %+v", res)
	}
}

func TestRedirectsAreNotFollowedAndSlowReceiversTimeOut(t *testing.T) {
	target, hits := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	redirect, _ := countingServer(t, http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	s := New(15 * time.Second)
	if res := s.Send(t.Context(), redirect.URL, nil, []byte("{}"), true); res.Status != http.StatusTemporaryRedirect || hits.Load() != 0 {
		t.Fatalf("redirect: %+v, target hit %d times", res, hits.Load())
	}
	slow, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(2 * time.Second) }))
	fast := &Sender{strict: client(200*time.Millisecond, true), open: client(200*time.Millisecond, false)}
	start := time.Now()
	if res := fast.Send(t.Context(), slow.URL, nil, nil, true); res.Err == nil || time.Since(start) > time.Second {
		t.Fatalf("slow receiver: %+v after %s", res, time.Since(start))
	}
	retry, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	if res := s.Send(t.Context(), retry.URL, nil, nil, true); res.Status != 429 || res.RetryAfter != 2*time.Minute {
		t.Fatalf("Retry-After: %+v", res)
	}
}
