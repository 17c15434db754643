package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/store/sqlstore"
)

// job is one caller's transaction function waiting for a batch worker.
type job struct {
	ctx  context.Context
	fn   func(engine.Tx) error
	done chan error
}

// worker owns one connection and commits queued transaction functions in
// batches: one BEGIN/COMMIT (and one WAL flush wait) for many callers. If
// any function in a batch fails, the batch rolls back and every function
// runs again in a transaction of its own, so one failure never undoes
// another's work.
func (s *Store) worker(conn *sql.Conn) {
	defer s.workers.Done()
	batch := make([]*job, 0, s.maxBatch)
	for first := range s.jobs {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < s.maxBatch {
			select {
			case j, ok := <-s.jobs:
				if !ok {
					break drain
				}
				batch = append(batch, j)
			default:
				break drain
			}
		}
		start := time.Now()
		if len(batch) == 1 || !s.runBatch(conn, batch, start) {
			results := make([]error, len(batch))
			for i, j := range batch {
				results[i] = s.runAlone(conn, j)
			}
			s.observe(len(batch), start)
			for i, j := range batch {
				j.done <- results[i]
			}
		}
	}
	conn.Close()
}

// runBatch runs the batch in one transaction and answers every job; it
// returns false, having answered none, when the batch must be re-run alone.
// A job whose caller gave up before it started is skipped: it wrote nothing.
func (s *Store) runBatch(conn *sql.Conn, batch []*job, start time.Time) bool {
	ctx := context.Background()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false
	}
	stx := &sqlstore.Tx{Q: tx, D: dialect}
	results := make([]error, len(batch))
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if run(j.fn, stx) != nil {
			tx.Rollback()
			return false
		}
	}
	err = tx.Commit()
	s.observe(len(batch), start)
	for i, j := range batch {
		if results[i] == nil {
			results[i] = err
		}
		j.done <- results[i]
	}
	return true
}

// observe reports a commit before its callers hear of it, so whoever
// reads the figures after an Update returns sees that Update counted.
func (s *Store) observe(transactions int, start time.Time) {
	if s.onCommit != nil {
		s.onCommit(transactions, time.Since(start))
	}
}

// runAlone runs one job in its own transaction.
func (s *Store) runAlone(conn *sql.Conn, j *job) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	tx, err := conn.BeginTx(j.ctx, nil)
	if err != nil {
		return err
	}
	if err := run(j.fn, &sqlstore.Tx{Q: tx, D: dialect}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// run calls fn, turning a panic into an error so a worker survives it.
func run(fn func(engine.Tx) error, tx engine.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("postgres: transaction function panicked: %v", r)
		}
	}()
	return fn(tx)
}

// ErrClosed is returned by Update after Close.
var ErrClosed = errors.New("postgres: store is closed")
