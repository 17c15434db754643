package dashboard

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// limiter slows password guessing on the sign-in form, per email and per
// address: after freeFailures failures each further one doubles the wait,
// up to maxWait. The API keeps its own limits for its JSON sign-in.
type limiter struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]*strike
}

type strike struct {
	failures int
	until    time.Time
}

const (
	freeFailures = 5
	maxWait      = 15 * time.Minute
	maxTracked   = 100000
)

func newLimiter(now func() time.Time) *limiter { return &limiter{now: now, m: map[string]*strike{}} }

func limiterKeys(email, ip string) []string {
	return []string{"email|" + strings.ToLower(email), "ip|" + ip}
}

// allow reports whether a sign-in may be tried now; if not, the seconds to wait.
func (l *limiter) allow(email, ip string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range limiterKeys(email, ip) {
		if s := l.m[k]; s != nil && now.Before(s.until) {
			return strconv.Itoa(int(s.until.Sub(now)/time.Second) + 1), false
		}
	}
	return "", true
}

func (l *limiter) failed(email, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) > maxTracked {
		l.m = map[string]*strike{}
	}
	for _, k := range limiterKeys(email, ip) {
		s := l.m[k]
		if s == nil {
			s = &strike{}
			l.m[k] = s
		}
		s.failures++
		if n := s.failures - freeFailures; n > 0 {
			wait := time.Second << min(n-1, 20)
			s.until = l.now().Add(min(wait, maxWait))
		}
	}
}

func (l *limiter) succeeded(email, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, limiterKeys(email, ip)[0])
}
