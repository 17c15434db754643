package engine

import (
	"context"
	"sync"

	"github.com/paygate/paygate/internal/payment"
)

// recentKeys is how many keys of payments decided here a process
// remembers, so that a retry arriving soon after its first request goes
// straight to the stored answer. About 5 MB at most.
const recentKeys = 1 << 15

// keyClaims are this process's Idempotency-Keys whose first request is
// running outside a transaction (a payment at an in-process processor
// decided before its writes), and the last recentKeys it decided. A
// duplicate of a running request waits for it to finish; it, and one of a
// remembered key, then take the ordinary path, which finds the stored
// answer. Any other key is new as far as this process knows: a key written
// by another process, or before this one started, is found when the
// outcome is written with it (Tx.ClaimOutcome), which then writes nothing.
type keyClaims struct {
	mu     sync.Mutex
	held   map[claimKey]chan struct{}
	recent map[claimKey]struct{}
	ring   []claimKey
	next   int
}

type claimKey struct {
	merchantID string
	mode       payment.Mode
	key        string
}

// claim takes the key and returns its release, which remembers the key
// when its payment was stored. When another request of this process holds
// the key it waits for that one and returns nil, as it does at once for a
// remembered key.
func (c *keyClaims) claim(ctx context.Context, k claimKey) (release func(stored bool), err error) {
	c.mu.Lock()
	if c.held == nil {
		c.held, c.recent = map[claimKey]chan struct{}{}, map[claimKey]struct{}{}
	}
	if _, ok := c.recent[k]; ok {
		c.mu.Unlock()
		return nil, nil
	}
	if done, ok := c.held[k]; ok {
		c.mu.Unlock()
		select {
		case <-done:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	done := make(chan struct{})
	c.held[k] = done
	c.mu.Unlock()
	return func(stored bool) {
		c.mu.Lock()
		delete(c.held, k)
		if stored {
			c.remember(k)
		}
		c.mu.Unlock()
		close(done)
	}, nil
}

// remember keeps k among the recent keys, forgetting the oldest.
func (c *keyClaims) remember(k claimKey) {
	if len(c.ring) < recentKeys {
		c.ring = append(c.ring, k)
	} else {
		delete(c.recent, c.ring[c.next])
		c.ring[c.next] = k
		c.next = (c.next + 1) % recentKeys
	}
	c.recent[k] = struct{}{}
}
