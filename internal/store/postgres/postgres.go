package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
}

// Store is the PostgreSQL engine.Store.
type Store struct {
	sqlstore.Reader
}

var _ engine.Store = (*Store)(nil)

var dialect = &sqlstore.Dialect{
	Name: "postgres", Numbered: true, ForUpdate: " FOR UPDATE", Blob: "BYTEA",
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
		n = 32
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
	return &Store{Reader: sqlstore.Reader{DB: db, D: dialect}}, nil // pgx caches prepared statements per connection itself
}

// Update implements engine.Store: one transaction, committed before it returns.
func (s *Store) Update(ctx context.Context, fn func(engine.Tx) error) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&sqlstore.Tx{Q: tx, D: dialect}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// DeleteIdempotencyKeys implements engine.Store.
func (s *Store) DeleteIdempotencyKeys(ctx context.Context, createdBefore time.Time) (deleted, unfinished int, err error) {
	return sqlstore.DeleteIdempotencyKeys(ctx, s.DB, dialect, createdBefore)
}

// Ping implements engine.Store.
func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// Close closes the pool.
func (s *Store) Close() error { return s.DB.Close() }
