package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/store/sqlite"
	"github.com/paygate/paygate/internal/store/storetest"
)

func open(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (engine.Store, func() engine.Store) {
		path := filepath.Join(t.TempDir(), "nested", "dir", "p.db")
		st := open(t, path)
		cur := st
		t.Cleanup(func() { cur.Close() })
		return st, func() engine.Store {
			cur.Close()
			cur = open(t, path)
			return cur
		}
	})
}

func TestMigrationsRerunAsNoOps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	for range 3 {
		open(t, path).Close()
	}
}

// BenchmarkUpdateParallel measures group commit: many goroutines each
// committing a payment insert, durably (synchronous=FULL). One fsync per
// transaction would cap this near the disk's flush rate (~4.4k/s here).
func BenchmarkUpdateParallel(b *testing.B) {
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), sqlite.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkUpdateParallel(b, st)
}
