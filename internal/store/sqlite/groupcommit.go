package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/store/sqlstore"
)

// job is one caller's transaction function waiting for the writer.
type job struct {
	ctx  context.Context
	fn   func(engine.Tx) error
	done chan error
}

// ErrClosed is returned by Update after Close.
var ErrClosed = errors.New("sqlite: store is closed")

// Update implements engine.Store. The function joins the writer's next batch;
// Update returns once the batch holding it has been committed to disk.
func (s *Store) Update(ctx context.Context, fn func(engine.Tx) error) (err error) {
	j := &job{ctx: ctx, fn: fn, done: make(chan error, 1)}
	defer func() {
		if recover() != nil { // send on a closed channel: the store is closed
			err = ErrClosed
		}
	}()
	select {
	case s.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-j.done
}

// writer is the single goroutine that owns the write connection. It takes
// every queued job, runs each in its own savepoint inside one transaction,
// and commits once: one fsync for the whole batch, however many callers.
func (s *Store) writer() {
	defer close(s.stopped)
	batch := make([]*job, 0, s.maxB)
	results := make([]error, 0, s.maxB)
	for first := range s.jobs {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < s.maxB {
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
		results = s.commit(batch, results[:0])
		for i, j := range batch {
			j.done <- results[i]
		}
	}
}

// commit runs a batch in one transaction. The fast path runs the functions
// back to back with no savepoints; a function that fails without having
// written anything needs no rollback. Only when a failed function had
// written does the batch roll back and run again with a savepoint per
// function (the slow path), so one failure never undoes another's work.
func (s *Store) commit(batch []*job, results []error) []error {
	results, clean := s.runBatch(batch, results, false)
	if !clean {
		results, _ = s.runBatch(batch, results[:0], true)
	}
	return results
}

func (s *Store) runBatch(batch []*job, results []error, savepoints bool) ([]error, bool) {
	ctx := context.Background()
	exec := func(q string) error { _, err := s.conn.ExecContext(ctx, q); return err }
	if err := exec("BEGIN IMMEDIATE"); err != nil {
		for range batch {
			results = append(results, fmt.Errorf("sqlite: begin: %w", err))
		}
		return results, true
	}
	tx := &sqlstore.Tx{Q: sqlstore.Cached(s.wstmts, s.conn), D: dialect}
	for _, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results = append(results, err)
			continue
		}
		if savepoints {
			if err := exec("SAVEPOINT job"); err != nil {
				results = append(results, err)
				continue
			}
		}
		tx.Writes = 0
		err := run(j.fn, tx)
		if savepoints {
			if err != nil {
				if rbErr := exec("ROLLBACK TO job"); rbErr != nil {
					err = errors.Join(err, rbErr)
				}
			}
			if relErr := exec("RELEASE job"); relErr != nil && err == nil {
				err = relErr
			}
		} else if err != nil && tx.Writes > 0 {
			_ = exec("ROLLBACK")
			return results[:0], false
		}
		results = append(results, err)
	}
	if err := exec("COMMIT"); err != nil {
		_ = exec("ROLLBACK")
		for i := range results {
			if results[i] == nil {
				results[i] = fmt.Errorf("sqlite: commit: %w", err)
			}
		}
	}
	return results, true
}

// run calls fn, turning a panic into that job's error so one bad function
// cannot take the writer, and every other caller, down with it.
func run(fn func(engine.Tx) error, tx engine.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sqlite: transaction function panicked: %v", r)
		}
	}()
	return fn(tx)
}
