// Package delivery posts webhooks over HTTP for the engine's dispatcher:
// TLS 1.2 or newer, a 15-second limit, no redirects followed, and, unless
// allowed, no connection to loopback, private, link-local or other internal
// addresses, checked on the address actually dialled (so DNS rebinding
// cannot slip through).
package delivery

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/webhook"
)

// ErrBlocked is a destination deliveries may not reach.
var ErrBlocked = errors.New("blocked_destination: webhooks may not reach loopback, private or link-local addresses")

// Sender implements engine.Sender.
type Sender struct {
	strict, open *http.Client
}

// New returns a sender with the given per-request timeout (default 15 s).
func New(timeout time.Duration) *Sender {
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	return &Sender{strict: client(timeout, true), open: client(timeout, false)}
}

func client(timeout time.Duration, guard bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if guard {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || webhook.Blocked(ap.Addr()) {
				return ErrBlocked
			}
			return nil
		}
	}
	t := &http.Transport{
		DialContext: d.DialContext, TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true,
		// No proxy: a proxy would dial the destination on our behalf, past the address check.
		Proxy: nil,
	}
	return &http.Client{Transport: t, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Send implements engine.Sender.
func (s *Sender) Send(ctx context.Context, url string, headers map[string]string, body []byte, private bool) engine.SendResult {
	c := s.strict
	if private {
		c = s.open
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return engine.SendResult{Err: err}
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		if errors.Is(err, ErrBlocked) {
			return engine.SendResult{Err: ErrBlocked}
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return engine.SendResult{Err: fmt.Errorf("timeout: %w", err)}
		}
		return engine.SendResult{Err: err}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	out := engine.SendResult{Status: resp.StatusCode, Response: string(snippet)}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if secs, err := strconv.Atoi(ra); err == nil && secs > 0 {
			out.RetryAfter = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			out.RetryAfter = time.Until(t)
		}
	}
	return out
}
