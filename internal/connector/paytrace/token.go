package paytrace

import (
	"context"
	"sync"
	"time"

	"github.com/paygate/paygate/internal/connector"
)

// renewBefore is how long before its expiry a token is replaced, so a call
// never starts with a token that may lapse in flight. Short-lived tokens
// (tests) renew at a tenth of their lifetime instead.
const renewBefore = 5 * time.Minute

// grantTimeout bounds one password grant. The grant runs detached from the
// caller that started it, because other callers may be waiting for it.
const grantTimeout = 30 * time.Second

// token is one bearer token and when paygate stops using it.
type token struct {
	value   string
	renewAt time.Time
}

// tokenSource caches one bearer token per connector and makes sure that
// concurrent callers who find it missing or stale share a single grant.
type tokenSource struct {
	grant func(ctx context.Context) (value string, lifetime time.Duration, err error)
	now   func() time.Time

	mu       sync.Mutex
	current  token
	inflight *grantCall
}

type grantCall struct {
	done  chan struct{}
	value string
	err   error
}

// get returns a usable token, running (or joining) a grant when needed.
func (s *tokenSource) get(ctx context.Context) (string, error) {
	s.mu.Lock()
	if s.current.value != "" && s.now().Before(s.current.renewAt) {
		v := s.current.value
		s.mu.Unlock()
		return v, nil
	}
	call := s.inflight
	if call == nil {
		call = &grantCall{done: make(chan struct{})}
		s.inflight = call
		go s.run(call, context.WithoutCancel(ctx))
	}
	s.mu.Unlock()
	select {
	case <-call.done:
		return call.value, call.err
	case <-ctx.Done():
		return "", &connector.Error{Class: connector.Timeout, Code: "cancelled", Message: "paytrace: gave up waiting for a token", Err: ctx.Err()}
	}
}

func (s *tokenSource) run(call *grantCall, ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, grantTimeout)
	defer cancel()
	value, lifetime, err := s.grant(ctx)
	s.mu.Lock()
	if err == nil {
		margin := min(renewBefore, lifetime/10)
		s.current = token{value: value, renewAt: s.now().Add(lifetime - margin)}
	}
	s.inflight = nil
	call.value, call.err = value, err
	s.mu.Unlock()
	close(call.done)
}

// invalidate drops the token PayTrace refused, unless another caller has
// already replaced it (then the replacement is used, not re-granted).
func (s *tokenSource) invalidate(value string) {
	s.mu.Lock()
	if s.current.value == value {
		s.current = token{}
	}
	s.mu.Unlock()
}
