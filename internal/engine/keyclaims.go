package engine

import (
	"context"
	"sync"

	"github.com/paygate/paygate/internal/payment"
)

// keyClaims are this process's Idempotency-Keys whose first request is
// running outside a transaction (a payment at an in-process processor
// decided before its writes). A duplicate waits for the first to finish and
// then takes the ordinary path, which finds the stored answer. Other
// processes sharing the database are kept out by the key's row, written
// with the outcome (Tx.ClaimOutcome).
type keyClaims struct {
	mu   sync.Mutex
	held map[claimKey]chan struct{}
}

type claimKey struct {
	merchantID string
	mode       payment.Mode
	key        string
}

// claim takes the key and returns its release, or, when another request of
// this process holds it, waits for that one and returns nil.
func (c *keyClaims) claim(ctx context.Context, k claimKey) (release func(), err error) {
	c.mu.Lock()
	if c.held == nil {
		c.held = map[claimKey]chan struct{}{}
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
	return func() {
		c.mu.Lock()
		delete(c.held, k)
		c.mu.Unlock()
		close(done)
	}, nil
}
