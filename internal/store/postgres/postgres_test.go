package postgres_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/merchant"
	"github.com/paygate/paygate/internal/store/pgtest"
	"github.com/paygate/paygate/internal/store/postgres"
	"github.com/paygate/paygate/internal/store/storetest"
)

func freshSchema(t testing.TB) string { return pgtest.FreshURL(t) }

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), url, postgres.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (engine.Store, func() engine.Store) {
		url := freshSchema(t)
		cur := open(t, url)
		t.Cleanup(func() { cur.Close() })
		return cur, func() engine.Store {
			cur.Close()
			cur = open(t, url)
			return cur
		}
	})
}

func TestMigrationsRerunAsNoOps(t *testing.T) {
	url := freshSchema(t)
	for range 3 {
		open(t, url).Close()
	}
	st := open(t, url)
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

// BenchmarkUpdateParallel measures durable single-insert transactions on
// PostgreSQL from many goroutines (the server groups WAL flushes itself).
func BenchmarkUpdateParallel(b *testing.B) {
	st, err := postgres.Open(context.Background(), freshSchema(b), postgres.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkUpdateParallel(b, st)
}

func TestTheAuditLogIsAppendOnly(t *testing.T) {
	url := freshSchema(t)
	st := open(t, url)
	defer st.Close()
	storetest.SeedAuditEvent(t, st)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.AppendOnly(t, db)
	if _, err := db.Exec(`TRUNCATE audit_events`); err == nil {
		t.Error("TRUNCATE succeeded on the append-only audit log")
	}
}

func TestBatchCommitsAreObserved(t *testing.T) {
	var o storetest.CommitObserver
	st, err := postgres.Open(context.Background(), freshSchema(t), postgres.Options{Migrate: true, OnCommit: o.Observe})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CommitsAreObserved(t, st, &o)
}

func TestKeysMadeBeforeCreatedByAreBackfilled(t *testing.T) {
	url := freshSchema(t)
	st := open(t, url)
	defer st.Close()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CreatedByBackfill(t, st, db)
}
