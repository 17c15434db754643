package sqlstore

import (
	"context"
	"time"
)

// DeleteIdempotencyKeys implements engine.Store: completed keys older than
// the cut-off go; unfinished ones stay and are counted.
func DeleteIdempotencyKeys(ctx context.Context, q Querier, d *Dialect, createdBefore time.Time) (deleted, unfinished int, err error) {
	cut := micros(createdBefore)
	res, err := q.ExecContext(ctx, d.Rebind(`DELETE FROM idempotency_keys WHERE created_at < ? AND state = 'completed'`), cut)
	if err != nil {
		return 0, 0, err
	}
	n, _ := res.RowsAffected()
	err = q.QueryRowContext(ctx, d.Rebind(`SELECT COUNT(*) FROM idempotency_keys WHERE created_at < ?`), cut).Scan(&unfinished)
	return int(n), unfinished, err
}
