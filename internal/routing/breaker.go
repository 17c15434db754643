package routing

import (
	"sync"
	"time"
)

// Breaker is a circuit breaker per key (a configuration id). After
// Threshold failures in a row a circuit opens: the configuration takes no
// new payments for Cooldown; then one trial call is let through (half
// open), and its result closes the circuit or opens it again. Breakers
// guard new authorizations only: captures, refunds and status lookups of
// money already moving must always be tried.
type Breaker struct {
	Threshold int
	Cooldown  time.Duration
	Now       func() time.Time

	mu       sync.Mutex
	circuits map[string]*circuit
}

type circuit struct {
	failures  int
	openUntil time.Time
	// probing is set while the one trial call of a half-open circuit runs;
	// a trial that never reports frees the slot after another Cooldown.
	probing bool
}

// State names a circuit's state for metrics and ordering.
type State string

// Circuit states.
const (
	Closed   State = "closed"
	Open     State = "open"
	HalfOpen State = "half_open"
)

func (b *Breaker) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b *Breaker) get(key string) *circuit {
	if b.circuits == nil {
		b.circuits = map[string]*circuit{}
	}
	c := b.circuits[key]
	if c == nil {
		c = &circuit{}
		b.circuits[key] = c
	}
	return c
}

func (b *Breaker) cooldown() time.Duration {
	if b.Cooldown <= 0 {
		return 30 * time.Second
	}
	return b.Cooldown
}

func (b *Breaker) threshold() int {
	if b.Threshold <= 0 {
		return 5
	}
	return b.Threshold
}

// State reports key's circuit without changing it.
func (b *Breaker) State(key string) State {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.circuits[key]
	switch {
	case c == nil || c.failures < b.threshold():
		return Closed
	case b.now().Before(c.openUntil) || c.probing && b.now().Before(c.openUntil.Add(b.cooldown())):
		return Open
	default:
		return HalfOpen
	}
}

// Allow reports whether a call may go to key now. In the half-open state it
// lets exactly one caller through until that caller reports.
func (b *Breaker) Allow(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.get(key)
	if c.failures < b.threshold() {
		return true
	}
	now := b.now()
	if now.Before(c.openUntil) || c.probing && now.Before(c.openUntil.Add(b.cooldown())) {
		return false
	}
	c.probing, c.openUntil = true, now
	return true
}

// Record reports a call's result: ok closes the circuit; a failure counts
// and, at the threshold (or on a failed trial), opens it for Cooldown.
func (b *Breaker) Record(key string, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.get(key)
	c.probing = false
	if ok {
		c.failures = 0
		return
	}
	c.failures++
	if c.failures >= b.threshold() {
		c.openUntil = b.now().Add(b.cooldown())
	}
}
