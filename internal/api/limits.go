package api

import (
	"context"
	"net/http"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/ratelimit"
)

// RateLimits configures the token buckets (requests per second and burst)
// and the growing delays after failed sign-ins. A zero rate disables that
// limit.
type RateLimits struct {
	// PerCredential limits one key, token or person (default 200/s, burst 400).
	PerCredential, PerCredentialBurst float64
	// PerIP limits one client address on authenticated routes (default 500/s, burst 1000).
	PerIP, PerIPBurst float64
	// Auth limits one client address on /oauth/token and sign-ins (default 5/s, burst 10).
	Auth, AuthBurst float64
	// FreeFailures failed attempts are allowed before delays start; each
	// further failure doubles the delay from BackoffBase up to BackoffMax
	// (defaults 5, 1 s, 15 min).
	FreeFailures            int
	BackoffBase, BackoffMax time.Duration
}

// DefaultRateLimits are the limits of a fresh installation.
var DefaultRateLimits = RateLimits{PerCredential: 200, PerCredentialBurst: 400, PerIP: 500, PerIPBurst: 1000,
	Auth: 5, AuthBurst: 10, FreeFailures: 5, BackoffBase: time.Second, BackoffMax: 15 * time.Minute}

// limits holds the server's limiters; nil limiters allow everything.
type limits struct {
	cred, ip, auth *ratelimit.Limiter
	failures       *ratelimit.Backoff
}

func newLimits(c RateLimits, now func() time.Time, logins *ratelimit.Backoff) *limits {
	mk := func(rate, burst float64) *ratelimit.Limiter {
		if rate <= 0 {
			return nil
		}
		return ratelimit.New(rate, max(int(burst), 1), now)
	}
	l := &limits{cred: mk(c.PerCredential, c.PerCredentialBurst), ip: mk(c.PerIP, c.PerIPBurst), auth: mk(c.Auth, c.AuthBurst),
		failures: logins}
	if l.failures == nil {
		l.failures = ratelimit.NewBackoff(c.FreeFailures, c.BackoffBase, c.BackoffMax, now)
	}
	return l
}

var errRateLimited = fault.New(fault.RateLimited, "rate_limited", "too many requests; slow down and retry after the Retry-After delay")

// refuse answers 429 with the time to wait.
func refuse(w http.ResponseWriter, r *http.Request, wait time.Duration, err error) bool {
	retryAfter(w, wait)
	writeProblem(w, r, err)
	return false
}

// allowIP applies the per-address bucket and any delay earned by failed
// authentications from the address.
func (l *limits) allowIP(w http.ResponseWriter, r *http.Request, ip string) bool {
	if blocked, wait := l.failures.Blocked("ip|" + ip); blocked {
		return refuse(w, r, wait, fault.New(fault.RateLimited, "too_many_failed_attempts", "too many failed authentications from this address; wait before trying again"))
	}
	if l.ip != nil {
		if ok, wait := l.ip.Allow(ip); !ok {
			return refuse(w, r, wait, errRateLimited)
		}
	}
	return true
}

func (l *limits) allowCredential(w http.ResponseWriter, r *http.Request, id string) bool {
	if l.cred != nil {
		if ok, wait := l.cred.Allow(id); !ok {
			return refuse(w, r, wait, errRateLimited)
		}
	}
	return true
}

// allowAuth applies the stricter bucket of the token endpoint and sign-ins.
func (l *limits) allowAuth(w http.ResponseWriter, r *http.Request, ip string) bool {
	if blocked, wait := l.failures.Blocked("ip|" + ip); blocked {
		return refuse(w, r, wait, fault.New(fault.RateLimited, "too_many_failed_attempts", "too many failed attempts from this address; wait before trying again"))
	}
	if l.auth != nil {
		if ok, wait := l.auth.Allow(ip); !ok {
			return refuse(w, r, wait, errRateLimited)
		}
	}
	return true
}

func (l *limits) failed(key string) { l.failures.Failure(key) }

// allowLogin starts a sign-in attempt once no other attempt for the
// account runs (so attempts sent at once count as if sent one after
// another), or says how long to wait: failures delay the next attempt for
// the account (from anywhere) and for the address. An allowed attempt
// ends with done.
func (l *limits) allowLogin(ctx context.Context, user, ip string) (done func(), wait time.Duration, ok bool) {
	return l.failures.Begin(ctx, auth.LoginKey(user), "ip|"+ip)
}

// loginResult counts a failed attempt against the account and the address,
// or forgets the account's failures after a success.
func (l *limits) loginResult(user, ip string, err error) {
	key := auth.LoginKey(user)
	switch {
	case err == nil:
		l.failures.Success(key)
	case fault.KindOf(err) == fault.Unauthorized:
		l.failures.Failure(key)
		l.failures.Failure("ip|" + ip)
	}
}

// NewLoginLimiter is the sign-in limiter of c (nil: DefaultRateLimits), to
// share between the API (Config.Logins) and the dashboard's form.
func NewLoginLimiter(c *RateLimits, now func() time.Time) *ratelimit.Backoff {
	rl := DefaultRateLimits
	if c != nil {
		rl = *c
	}
	if now == nil {
		now = time.Now
	}
	return ratelimit.NewBackoff(rl.FreeFailures, rl.BackoffBase, rl.BackoffMax, now)
}
