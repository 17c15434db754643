package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/store/sqlstore"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options tune Open.
type Options struct {
	// Migrate applies pending migrations before returning.
	Migrate bool
	// Readers is the size of the read pool (default 2×GOMAXPROCS, at least 4).
	Readers int
	// MaxBatch caps how many transactions one commit may group (default 256).
	MaxBatch int
	// OnCommit, if set, is told after each group commit how many
	// transactions it held and how long the writer took (BEGIN to COMMIT,
	// the fsync included): the figures that say whether the single writer
	// is what limits throughput.
	OnCommit func(transactions int, took time.Duration)
}

// Store is the SQLite engine.Store.
type Store struct {
	sqlstore.Reader
	path    string
	writeDB *sql.DB
	conn    *sql.Conn
	// ckptDB runs background checkpoints; ckptDone closes when they stop.
	ckptDB   *sql.DB
	ckptDone chan struct{}
	wstmts   *sqlstore.StmtCache
	rstmts   *sqlstore.StmtCache
	jobs     chan *job
	stopped  chan struct{}
	maxB     int
	onCommit func(int, time.Duration)

	closeOnce sync.Once
	closeErr  error
}

var _ engine.Store = (*Store)(nil)

var dialect = &sqlstore.Dialect{
	Name: "sqlite", Blob: "BLOB",
	AppendOnly: func(table string) string {
		return `CREATE TRIGGER ` + table + `_no_update BEFORE UPDATE ON ` + table + ` BEGIN SELECT RAISE(ABORT, '` + table + ` is append-only'); END;
CREATE TRIGGER ` + table + `_no_delete BEFORE DELETE ON ` + table + ` BEGIN SELECT RAISE(ABORT, '` + table + ` is append-only'); END;
`
	},
	IsUniqueViolation: func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
	},
}

// dsnImmediate is the DSN of a writing connection whose transactions take
// the write lock at BEGIN (waiting up to busy_timeout for the writer), so a
// migration cannot fail halfway on a lock upgrade.
func dsnImmediate(path string) string { return dsn(path, false) + "&_txlock=immediate" }

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(1)", "temp_store(MEMORY)", "cache_size(-8000)", "wal_autocheckpoint(0)"} {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: create %s: %w", dir, err)
		}
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	if opts.Migrate {
		if err := migrate(ctx, path); err != nil {
			w.Close()
			return nil, err
		}
	}
	conn, err := w.Conn(ctx)
	if err != nil {
		w.Close()
		return nil, err
	}
	readers := opts.Readers
	if readers <= 0 {
		readers = max(4, 2*runtime.GOMAXPROCS(0))
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		conn.Close()
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	ckpt, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		r.Close()
		conn.Close()
		w.Close()
		return nil, err
	}
	ckpt.SetMaxOpenConns(1)
	s := &Store{path: path, writeDB: w, conn: conn, jobs: make(chan *job, 4096), stopped: make(chan struct{}), maxB: opts.MaxBatch, onCommit: opts.OnCommit,
		wstmts: sqlstore.NewStmtCache(conn.PrepareContext), rstmts: sqlstore.NewStmtCache(r.PrepareContext),
		ckptDB: ckpt, ckptDone: make(chan struct{})}
	s.Reader = sqlstore.Reader{DB: r, D: dialect, Q: sqlstore.Cached(s.rstmts, r)}
	if s.maxB <= 0 {
		s.maxB = 256
	}
	go s.writer()
	go s.checkpointer()
	return s, nil
}

// Migrate applies pending migrations (see sqlstore.Migrations); re-running
// it changes nothing. It uses a connection of its own, so it may run while
// the store is serving: each migration waits for the writer's lock.
func (s *Store) Migrate(ctx context.Context) error { return migrate(ctx, s.path) }

func migrate(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", dsnImmediate(path))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return sqlstore.Migrate(ctx, db, dialect)
}

// DeleteIdempotencyKeys implements engine.Store, through the writer.
func (s *Store) DeleteIdempotencyKeys(ctx context.Context, createdBefore time.Time) (deleted, unfinished int, err error) {
	err = s.Update(ctx, func(tx engine.Tx) error {
		var err error
		deleted, unfinished, err = sqlstore.DeleteIdempotencyKeys(ctx, tx.(*sqlstore.Tx).Q, dialect, createdBefore)
		return err
	})
	return deleted, unfinished, err
}

// Ping implements engine.Store.
func (s *Store) Ping(ctx context.Context) error { return s.Reader.DB.PingContext(ctx) }

// Close stops the writer after the queued transactions and closes the
// files. Later calls return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.jobs)
		<-s.stopped
		<-s.ckptDone
		s.closeErr = errors.Join(s.wstmts.Close(), s.rstmts.Close(), s.conn.Close(), s.writeDB.Close(), s.Reader.DB.Close(), s.ckptDB.Close())
	})
	return s.closeErr
}

// checkpointer copies the write-ahead log into the database file in the
// background, PASSIVE so it never blocks the writer or the readers; commits
// therefore never pay for a checkpoint (automatic checkpoints are off). On
// close it truncates the log.
func (s *Store) checkpointer() {
	defer close(s.ckptDone)
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stopped:
			s.ckptDB.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
			return
		case <-t.C:
			s.ckptDB.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}
