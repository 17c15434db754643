package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// StmtCache keeps prepared statements by query text, so the hot path parses
// each SQL statement once per connection instead of once per call.
type StmtCache struct {
	prepare func(ctx context.Context, query string) (*sql.Stmt, error)
	mu      sync.Mutex
	m       map[string]*sql.Stmt
}

// NewStmtCache caches statements prepared by prepare (a *sql.Conn's or *sql.DB's PrepareContext).
func NewStmtCache(prepare func(ctx context.Context, query string) (*sql.Stmt, error)) *StmtCache {
	return &StmtCache{prepare: prepare, m: map[string]*sql.Stmt{}}
}

func (c *StmtCache) get(ctx context.Context, q string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[q]; ok {
		return st, nil
	}
	st, err := c.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	c.m[q] = st
	return st, nil
}

// Close closes every cached statement.
func (c *StmtCache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = map[string]*sql.Stmt{}
	return nil
}

// cachedQuerier runs queries through prepared statements; fallback answers
// when a statement cannot be prepared, so the error reaches the caller the
// usual way.
type cachedQuerier struct {
	c        *StmtCache
	fallback Querier
}

// Cached returns a Querier that prepares each query once.
func Cached(c *StmtCache, fallback Querier) Querier { return cachedQuerier{c, fallback} }

func (q cachedQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := q.c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (q cachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := q.c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext prepares lazily; a prepare error surfaces from Scan.
func (q cachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := q.c.get(ctx, query)
	if err != nil {
		return q.fallback.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
