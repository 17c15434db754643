package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
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
	b.SetParallelism(32)
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
