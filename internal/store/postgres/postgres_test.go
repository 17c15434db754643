package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
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
}

// BenchmarkUpdateParallel measures durable single-insert transactions on
// PostgreSQL from many goroutines (the server groups WAL flushes itself).
func BenchmarkUpdateParallel(b *testing.B) {
	st, err := postgres.Open(context.Background(), freshSchema(b), postgres.Options{Migrate: true})
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
