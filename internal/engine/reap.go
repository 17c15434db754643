package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/fault"
)

// MinIdempotencyRetention is the shortest time a key is honoured: a client
// may retry with the same key for at least a day.
const MinIdempotencyRetention = 24 * time.Hour

// ReapIdempotencyKeys deletes completed idempotency keys older than
// retention (at least MinIdempotencyRetention), so a key reused after that
// starts a new request. Keys still in progress are kept and counted, never
// silently dropped: their payments wait for recovery.
func (e *Engine) ReapIdempotencyKeys(ctx context.Context, retention time.Duration) (deleted, unfinished int, err error) {
	if retention < MinIdempotencyRetention {
		return 0, 0, fault.InvalidParam("retention", "parameter_invalid", "idempotency keys must be kept at least %s", MinIdempotencyRetention)
	}
	deleted, unfinished, err = e.store.DeleteIdempotencyKeys(ctx, e.now().Add(-retention))
	if unfinished > 0 {
		e.log.Warn("idempotency keys past retention are still in progress", "count", unfinished)
	}
	return deleted, unfinished, err
}
