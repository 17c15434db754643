package ratelimit

import (
	"math"
	"sync"
	"time"
)

// maxKeys bounds each map; past it, idle entries are swept, and if that
// frees too little the oldest half is dropped (a dropped bucket is full, so
// the cost of a sweep is at most one extra burst for a key).
const maxKeys = 50_000

// Limiter is a set of token buckets, one per key: each holds up to burst
// tokens and refills at rate tokens per second. Safe for concurrent use.
type Limiter struct {
	rate  float64
	burst float64
	now   func() time.Time
	mu    sync.Mutex
	m     map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a Limiter; now is its clock (time.Now in production).
func New(rate float64, burst int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: rate, burst: float64(burst), now: now, m: map[string]*bucket{}}
}

// Allow takes a token from key's bucket. When it is empty it answers false
// and how long until a token is back.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.m[key]
	if b == nil {
		if len(l.m) >= maxKeys {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.m[key] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(l.burst, b.tokens+el*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, max(wait, time.Millisecond)
}

// sweep drops buckets that have refilled (forgetting them changes nothing),
// then, if still too many, arbitrary ones.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.m {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.m, k)
		}
	}
	for k := range l.m {
		if len(l.m) < maxKeys/2 {
			break
		}
		delete(l.m, k)
	}
}

// Len is the number of keys held, for tests and metrics.
func (l *Limiter) Len() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.m) }
