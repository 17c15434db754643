package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/store/sqlstore"
)

// Options tune Open.
type Options struct {
	// Migrate applies pending migrations before returning.
	Migrate bool
	// MaxConns caps the pool (default 32).
	MaxConns int
	// OnCommit, if set, is told after each batch commit how many
	// transactions it held and how long its writer connection took.
	OnCommit func(transactions int, took time.Duration)
}

// Store is the PostgreSQL engine.Store.
type Store struct {
	sqlstore.Reader
	jobs      chan *job
	workers   sync.WaitGroup
	maxBatch  int
	onCommit  func(int, time.Duration)
	closeOnce sync.Once
	closeErr  error
}

var _ engine.Store = (*Store)(nil)

var dialect = &sqlstore.Dialect{
	Name: "postgres", Numbered: true, ForUpdate: " FOR UPDATE", SkipLocked: " FOR UPDATE SKIP LOCKED", Blob: "BYTEA",
	// Per schema: deployments sharing a server in other schemas never wait on each other.
	ClaimLock: `SELECT pg_advisory_xact_lock(hashtext('paygate.claim_deliveries.' || current_schema()))`,
	AppendOnly: func(table string) string {
		return `CREATE OR REPLACE FUNCTION paygate_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
CREATE TRIGGER ` + table + `_append_only BEFORE UPDATE OR DELETE ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION paygate_append_only();
CREATE TRIGGER ` + table + `_no_truncate BEFORE TRUNCATE ON ` + table + ` FOR EACH STATEMENT EXECUTE FUNCTION paygate_append_only();
`
	},
	IsUniqueViolation: func(err error) bool {
		var pg *pgconn.PgError
		return errors.As(err, &pg) && pg.Code == "23505"
	},
}

// Open connects to the database at url (postgres://…).
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	n := opts.MaxConns
	if n <= 0 {
		n = 32 + writers
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if opts.Migrate {
		if err := sqlstore.Migrate(ctx, db, dialect); err != nil {
			db.Close()
			return nil, err
		}
	}
	st := &Store{Reader: sqlstore.Reader{DB: db, D: dialect}, jobs: make(chan *job, 4096), maxBatch: 64, onCommit: opts.OnCommit}
	for range writers {
		conn, err := db.Conn(ctx)
		if err != nil {
			st.Close()
			return nil, err
		}
		st.workers.Add(1)
		go st.worker(conn)
	}
	return st, nil // pgx caches prepared statements per connection itself
}

// writers is how many connections commit batches; the rest of the pool reads.
const writers = 4

// Update implements engine.Store: fn joins a batch on one of the writer
// connections, and Update returns once that batch has committed.
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

// Migrate applies pending migrations (see sqlstore.Migrations); re-running
// it changes nothing, and concurrent runs wait for each other.
func (s *Store) Migrate(ctx context.Context) error { return sqlstore.Migrate(ctx, s.DB, dialect) }

// DeleteIdempotencyKeys implements engine.Store.
func (s *Store) DeleteIdempotencyKeys(ctx context.Context, createdBefore time.Time) (deleted, unfinished int, err error) {
	return sqlstore.DeleteIdempotencyKeys(ctx, s.DB, dialect, createdBefore)
}

// Ping implements engine.Store.
func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// Close finishes queued transactions, then closes the pool. Later calls
// return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.jobs)
		s.workers.Wait()
		s.closeErr = s.DB.Close()
	})
	return s.closeErr
}
