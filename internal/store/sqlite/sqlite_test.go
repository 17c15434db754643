package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/merchant"
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
	st := open(t, path)
	defer st.Close()
	insert := func(tx engine.Tx) error {
		return tx.InsertMerchant(context.Background(), &merchant.Merchant{ID: id.New("mer"), Name: "m"})
	}
	if err := st.Update(context.Background(), insert); err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil { // on a serving store
		t.Fatal(err)
	}
	if err := st.Update(context.Background(), insert); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkUpdateParallel measures group commit: many goroutines each
// committing a payment and an operation, durably (synchronous=FULL). One fsync per
// transaction would cap this near the disk's flush rate (~4.4k/s here).
func BenchmarkUpdateParallel(b *testing.B) {
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), sqlite.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkUpdateParallel(b, st)
}

// BenchmarkUpdateParallelUngrouped is the same load with batches of one
// (one commit and one fsync per transaction): the baseline group commit beats.
func BenchmarkUpdateParallelUngrouped(b *testing.B) {
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), sqlite.Options{Migrate: true, MaxBatch: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkUpdateParallel(b, st)
}

func TestTheAuditLogIsAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	st := open(t, path)
	defer st.Close()
	storetest.SeedAuditEvent(t, st)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.AppendOnly(t, db)
}

func TestGroupCommitsAreObserved(t *testing.T) {
	var o storetest.CommitObserver
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "o.db"), sqlite.Options{Migrate: true, OnCommit: o.Observe})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CommitsAreObserved(t, st, &o)
}

func TestKeysMadeBeforeCreatedByAreBackfilled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	st := open(t, path)
	defer st.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CreatedByBackfill(t, st, db)
}
