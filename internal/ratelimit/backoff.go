package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Backoff makes a key wait longer after each failure past the free ones:
// base, 2·base, 4·base … up to max, counted from the last failure. It slows
// password and secret guessing to a crawl without locking anyone out for
// good. Safe for concurrent use.
type Backoff struct {
	free      int
	base, max time.Duration
	now       func() time.Time
	mu        sync.Mutex
	m         map[string]*failures
	turns     map[string]*turn // Begin's: tries of one key under way, at most one
}

// turn lets one try of a key run at a time; users counts the tries running
// or waiting, so the turn is dropped with the last.
type turn struct {
	ch    chan struct{}
	users int
}

type failures struct {
	n    int
	last time.Time
}

// NewBackoff returns a Backoff; now is its clock.
func NewBackoff(free int, base, max time.Duration, now func() time.Time) *Backoff {
	if now == nil {
		now = time.Now
	}
	return &Backoff{free: free, base: base, max: max, now: now, m: map[string]*failures{}, turns: map[string]*turn{}}
}

// delay is how long a key with n failures waits after the last one.
func (b *Backoff) delay(n int) time.Duration {
	if n <= b.free || b.base <= 0 {
		return 0
	}
	d := b.base
	for i := b.free + 1; i < n && d < b.max; i++ {
		d *= 2
	}
	return min(d, b.max)
}

// Failure records a failed attempt.
func (b *Backoff) Failure(key string) {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.m[key]
	if f == nil || b.stale(f, now) {
		if len(b.m) >= maxKeys {
			b.sweep(now)
		}
		f = &failures{}
		b.m[key] = f
	}
	f.n++
	f.last = now
}

// Success forgets a key's failures.
func (b *Backoff) Success(key string) {
	b.mu.Lock()
	delete(b.m, key)
	b.mu.Unlock()
}

// Blocked reports whether key must still wait, and how long.
func (b *Backoff) Blocked(key string) (bool, time.Duration) {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.m[key]
	if f == nil {
		return false, 0
	}
	if wait := f.last.Add(b.delay(f.n)).Sub(now); wait > 0 {
		return true, wait
	}
	return false, 0
}

// Begin waits its turn for key, since tries of one key run one after
// another: guesses sent at once are each checked against the failures of
// those before them, not all against none. Then, unless key or one of also
// must still wait (Blocked: the wait is returned), the try starts; end it
// by calling done (once; more calls do nothing), after Failure or Success.
// A request given up before or while waiting is refused with no wait.
func (b *Backoff) Begin(ctx context.Context, key string, also ...string) (done func(), wait time.Duration, ok bool) {
	if ctx.Err() != nil {
		return nil, 0, false
	}
	b.mu.Lock()
	t := b.turns[key]
	if t == nil {
		t = &turn{ch: make(chan struct{}, 1)}
		b.turns[key] = t
	}
	t.users++
	b.mu.Unlock()
	select {
	case t.ch <- struct{}{}:
	case <-ctx.Done():
		b.leave(key, t, false)
		return nil, 0, false
	}
	for _, k := range append([]string{key}, also...) {
		if blocked, wait := b.Blocked(k); blocked {
			b.leave(key, t, true)
			return nil, wait, false
		}
	}
	var once sync.Once
	return func() { once.Do(func() { b.leave(key, t, true) }) }, 0, true
}

// leave gives up a place in key's turn (and the turn itself if held).
func (b *Backoff) leave(key string, t *turn, held bool) {
	if held {
		<-t.ch
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if t.users--; t.users == 0 && b.turns[key] == t {
		delete(b.turns, key)
	}
}

// stale failures are forgotten: after twice the longest delay of quiet, a
// key starts afresh.
func (b *Backoff) stale(f *failures, now time.Time) bool { return now.Sub(f.last) > 2*b.max }

func (b *Backoff) sweep(now time.Time) {
	for k, f := range b.m {
		if b.stale(f, now) || b.delay(f.n) == 0 && now.Sub(f.last) > b.base {
			delete(b.m, k)
		}
	}
	for k := range b.m {
		if len(b.m) < maxKeys/2 {
			break
		}
		delete(b.m, k)
	}
}

// Len is the number of keys held.
func (b *Backoff) Len() int { b.mu.Lock(); defer b.mu.Unlock(); return len(b.m) }
