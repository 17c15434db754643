package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// Dialect holds what differs between the databases.
type Dialect struct {
	Name string
	// Positional placeholders: false for SQLite's "?", true for PostgreSQL's "$n".
	Numbered bool
	// ForUpdate is appended to reads that lock a row inside a transaction.
	ForUpdate string
	// SkipLocked is appended to a claim query so that concurrent workers
	// (several processes on PostgreSQL) take different rows.
	SkipLocked string
	// ClaimLock, run first in a claim of webhook deliveries, makes claims by
	// several processes take turns, so that the count of what others hold
	// cannot go stale between the count and the lease. Empty where writers
	// are serialized anyway (SQLite).
	ClaimLock string
	// Blob is the column type for raw bytes.
	Blob string
	// AppendOnly returns statements (each ending ";\n") that make a table
	// refuse UPDATE and DELETE.
	AppendOnly func(table string) string
	// IsUniqueViolation recognises a duplicate-key error of the driver.
	IsUniqueViolation func(error) bool

	rebound sync.Map // query text -> rebound text
}

// Rebind turns "?" placeholders into the dialect's form.
func (d *Dialect) Rebind(q string) string {
	if !d.Numbered {
		return q
	}
	if r, ok := d.rebound.Load(q); ok {
		return r.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	d.rebound.Store(q, b.String())
	return b.String()
}

// Querier is what both *sql.DB, *sql.Tx and *sql.Conn offer.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
