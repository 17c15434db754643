package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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
		start := time.Now()
		results = s.commit(batch, results[:0])
		if s.onCommit != nil {
			s.onCommit(len(batch), time.Since(start))
		}
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
// A group commit may therefore call a function more than once.
//
// SQLite itself rolls the whole transaction back after some statement
// errors (an interrupt, a full disk, an I/O error). The functions after it
// would then run in autocommit mode and the ones before it would be lost,
// with their callers told otherwise; so after any failure the writer checks
// that the transaction is still open and, if it is not, answers the failed
// function and runs every other function of the batch again.
func (s *Store) commit(batch []*job, results []error) []error {
	results, out := s.runBatch(batch, results, false)
	if out == needSavepoints {
		results, out = s.runBatch(batch, results[:0], true)
	}
	if out < 0 {
		return results
	}
	lost, lostErr := int(out), results[len(results)-1]
	rest := make([]*job, 0, len(batch)-1)
	rest = append(append(rest, batch[:lost]...), batch[lost+1:]...)
	again := s.commit(rest, nil)
	results = append(results[:0], again[:lost]...)
	results = append(results, lostErr)
	return append(results, again[lost:]...)
}

// outcome of runBatch: done, needSavepoints, or (>= 0) the index of the job
// after whose failure the transaction was found rolled back; results then
// ends with that job's error.
type outcome int

const (
	done           outcome = -1
	needSavepoints outcome = -2
)

func (s *Store) runBatch(batch []*job, results []error, savepoints bool) ([]error, outcome) {
	ctx := context.Background()
	exec := func(q string) error { _, err := s.conn.ExecContext(ctx, q); return err }
	if err := exec("BEGIN IMMEDIATE"); err != nil {
		for range batch {
			results = append(results, fmt.Errorf("sqlite: begin: %w", err))
		}
		return results, done
	}
	tx := &sqlstore.Tx{Q: uncancelled{sqlstore.Cached(s.wstmts, s.conn)}, D: dialect}
	for i, j := range batch {
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
		if err != nil && !s.inTransaction() {
			return append(results, err), outcome(i)
		}
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
			return results[:0], needSavepoints
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
	return results, done
}

// inTransaction reports whether the write connection is still inside the
// batch's transaction: BEGIN fails there, and succeeds only if SQLite has
// rolled the transaction back (the new one is rolled back at once).
func (s *Store) inTransaction() bool {
	ctx := context.Background()
	if _, err := s.conn.ExecContext(ctx, "BEGIN"); err != nil {
		return true
	}
	_, _ = s.conn.ExecContext(ctx, "ROLLBACK")
	return false
}

// uncancelled runs statements without their caller's cancellation: the
// driver answers a cancelled context by interrupting SQLite, which rolls
// back the whole transaction, every other caller's work in the batch with
// it. A statement of an embedded database is short; letting it finish
// costs less than the batch. A caller cancelled before its function starts
// is still skipped.
type uncancelled struct{ q sqlstore.Querier }

func (u uncancelled) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return u.q.ExecContext(context.WithoutCancel(ctx), query, args...)
}

func (u uncancelled) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return u.q.QueryContext(context.WithoutCancel(ctx), query, args...)
}

func (u uncancelled) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return u.q.QueryRowContext(context.WithoutCancel(ctx), query, args...)
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
