package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/postgres"
	"github.com/paygate/paygate/internal/store/storetest"
)

var seq atomic.Int64

// freshSchema returns a URL whose search_path is a new, empty schema.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("PAYGATE_TEST_POSTGRES_URL")
	if base == "" {
		if os.Getenv("PAYGATE_REQUIRE_POSTGRES") != "" {
			t.Fatal("PAYGATE_REQUIRE_POSTGRES is set but PAYGATE_TEST_POSTGRES_URL is empty")
		}
		t.Skip("PAYGATE_TEST_POSTGRES_URL not set")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("storetest_%d_%d", time.Now().UnixNano(), seq.Add(1))
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec("DROP SCHEMA " + schema + " CASCADE"); db.Close() })
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

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
}

// BenchmarkUpdateParallel measures durable single-insert transactions on
// PostgreSQL from many goroutines (the server groups WAL flushes itself).
func BenchmarkUpdateParallel(b *testing.B) {
	base := os.Getenv("PAYGATE_TEST_POSTGRES_URL")
	if base == "" {
		b.Skip("PAYGATE_TEST_POSTGRES_URL not set")
	}
	db, _ := sql.Open("pgx", base)
	schema := fmt.Sprintf("bench_%d", time.Now().UnixNano())
	db.Exec("CREATE SCHEMA " + schema)
	defer func() { db.Exec("DROP SCHEMA " + schema + " CASCADE"); db.Close() }()
	st, err := postgres.Open(context.Background(), base+"&search_path="+schema, postgres.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			p := &payment.Payment{ID: id.New("pay"), MerchantID: "mer_b", Mode: payment.Sandbox, Status: payment.Captured, Amount: 100,
				Currency: money.MustLookup("USD"), CaptureMethod: payment.CaptureAutomatic, CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := st.Update(ctx, func(tx engine.Tx) error { return tx.InsertPayment(ctx, p) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}
