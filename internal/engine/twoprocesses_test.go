package engine_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/store/pgtest"
	"github.com/paygate/paygate/internal/store/postgres"
	"github.com/paygate/paygate/internal/store/sqlite"
)

// eachTwoProcesses runs fn with the stores of two paygate processes on one
// database. On SQLite, which one process owns, both get the same store. On
// PostgreSQL each gets a store of its own (its own connection pool and
// batch writer) on the same fresh schema, as two processes would have, so
// that locks between them (FOR UPDATE SKIP LOCKED claims) are what keeps
// them apart, not anything shared in memory.
func eachTwoProcesses(t *testing.T, fn func(t *testing.T, st1, st2 engine.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"), sqlite.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st, st)
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.FreshURL(t)
		open := func(migrate bool) engine.Store {
			st, err := postgres.Open(context.Background(), url, postgres.Options{Migrate: migrate})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
		st1 := open(true)
		fn(t, st1, open(false))
	})
}
