package engine_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/pgtest"
	"github.com/paygate/paygate/internal/store/postgres"
	"github.com/paygate/paygate/internal/store/sqlite"
	"github.com/paygate/paygate/internal/vault"
)

// BenchmarkSale is `paygate bench`'s sale without HTTP: the same request
// (card, customer label, reference, metadata, a fresh Idempotency-Key)
// given straight to the engine with the built-in sandbox and a real store,
// from 64 goroutines. It is the ceiling the HTTP figure can approach:
// whatever the API layer costs comes on top. It reports sales/s and this
// process's CPU per sale (the PostgreSQL server's is not in it).
//
//	go test ./internal/engine -run XXX -bench Sale -benchtime 40000x
func BenchmarkSale(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), sqlite.Options{Migrate: true})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchmarkSale(b, st)
	})
	b.Run("postgres", func(b *testing.B) {
		st, err := postgres.Open(context.Background(), pgtest.FreshURL(b), postgres.Options{Migrate: true})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchmarkSale(b, st)
	})
}

func benchmarkSale(b *testing.B, st engine.Store) {
	ctx := context.Background()
	e, err := engine.New(engine.Config{Store: st, Keyring: vault.Ephemeral(), RenderEvent: api.RenderEvent,
		Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: sandbox.New(sandbox.Options{})}})
	if err != nil {
		b.Fatal(err)
	}
	m, _, err := e.CreateMerchant(ctx, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
	render := func(r engine.Result, err error) (int, []byte) {
		if err != nil {
			return 500, nil
		}
		body, _ := json.Marshal(r.Payment)
		return 201, body
	}
	var n atomic.Int64
	var failed atomic.Int64
	cpu0 := processCPU()
	b.ResetTimer()
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0))) // 64 goroutines, as `paygate bench`
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := "bench-" + strconv.FormatInt(n.Add(1), 10)
			in := engine.CreatePaymentInput{Amount: 1099, Currency: "USD", CaptureMethod: payment.CaptureAutomatic,
				Card:        &engine.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123", Holder: "Jane Doe"},
				Description: "Order 1001 for a pair of running shoes", Reference: "order-1001", Customer: "cus_42",
				Metadata: map[string]string{"cart": "7", "channel": "web"}}
			p, _, err := e.CreatePayment(ctx, a, in, &engine.Idempotency{Key: k, Fingerprint: "POST /v1/payments " + k, Render: render})
			if err != nil || p.Status != payment.Captured {
				failed.Add(1)
			}
		}
	})
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d sales failed", f, b.N)
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/secs, "sales/s")
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/sale")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
