package dashboard

import (
	"context"
	"strconv"
	"strings"
	"time"

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

func newLimiter(now func() time.Time) *limiter {
	return &limiter{ratelimit.NewBackoff(freeFailures, time.Second, maxWait, now)}
}

func limiterKeys(email, ip string) []string {
	return []string{"email|" + strings.ToLower(email), "ip|" + ip}
}

// allow starts a try, once no other try for the email runs, or says how
// many seconds to wait. Every allowed try must be followed by done.
func (l *limiter) allow(ctx context.Context, email, ip string) (string, bool) {
	keys := limiterKeys(email, ip)
	wait, ok := l.b.Begin(ctx, keys[0], keys[1])
	return strconv.Itoa(max(int((wait+time.Second-1)/time.Second), 1)), ok
}

// done ends a try allow allowed (after failed or succeeded, if either).
func (l *limiter) done(email string) { l.b.End(limiterKeys(email, "")[0]) }

func (l *limiter) failed(email, ip string) {
	for _, k := range limiterKeys(email, ip) {
		l.b.Failure(k)
	}
}

// succeeded forgets the email's failures (not the address's: one right
// password does not excuse the guesses at other accounts).
func (l *limiter) succeeded(email, ip string) { l.b.Success(limiterKeys(email, ip)[0]) }
