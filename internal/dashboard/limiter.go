package dashboard

import (
	"context"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/ratelimit"
)

// limiter slows password guessing on the sign-in form and the Password
// page, per email and per address: after freeFailures failures each
// further one doubles the wait, up to maxWait; guesses sent at once count
// as if sent one after another. The API keeps its own, alike, for its JSON
// sign-in.
type limiter struct{ b *ratelimit.Backoff }

const (
	freeFailures = 5
	maxWait      = 15 * time.Minute
)

// newLimiter is shared, if given, with the API's JSON sign-in and Basic
// (api.NewLoginLimiter): an account has one budget of free failures.
func newLimiter(shared *ratelimit.Backoff, now func() time.Time) *limiter {
	if shared != nil {
		return &limiter{shared}
	}
	return &limiter{ratelimit.NewBackoff(freeFailures, time.Second, maxWait, now)}
}

// limiterKeys are an account's key as the API's sign-in limits it (one
// budget of free failures for the account), and the form's own key for the
// address: the API's address key also slows every API call from the
// address, which a few typos on this form must not do.
func limiterKeys(email, ip string) []string { return []string{auth.LoginKey(email), "signin-ip|" + ip} }

// allow starts a try, once no other try for the email runs, and returns
// done to end it; or says how many seconds to wait.
func (l *limiter) allow(ctx context.Context, email, ip string) (done func(), wait string, ok bool) {
	keys := limiterKeys(email, ip)
	done, w, ok := l.b.Begin(ctx, keys[0], keys[1])
	return done, strconv.Itoa(max(int((w+time.Second-1)/time.Second), 1)), ok
}

func (l *limiter) failed(email, ip string) {
	for _, k := range limiterKeys(email, ip) {
		l.b.Failure(k)
	}
}

// succeeded forgets the email's failures (not the address's: one right
// password does not excuse the guesses at other accounts).
func (l *limiter) succeeded(email, ip string) { l.b.Success(limiterKeys(email, ip)[0]) }
