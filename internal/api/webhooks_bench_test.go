package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/delivery"
	"github.com/paygate/paygate/internal/engine"
)

// BenchmarkWebhookDelivery measures signed deliveries per second from the
// events table to a local receiver (SQLite, every attempt recorded durably).
// Issue #5 asks for at least 2,000/s:
//
//	go test ./internal/api -run XXX -bench WebhookDelivery -benchtime 4000x
func BenchmarkWebhookDelivery(b *testing.B) {
	e := newEnv(b)
	var got atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got.Add(1) }))
	defer rcv.Close()
	e.endpoint(rcv.URL, "payment.captured")
	for i := 0; i < b.N; i++ {
		if r := e.do("POST", "/v1/payments", e.key, saleBody(100, "4242424242424242", "")); r.status != 201 {
			b.Fatalf("sale: %d", r.status)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ResetTimer()
	start := time.Now()
	go e.engine.RunDispatcher(ctx, engine.DispatchConfig{Sender: delivery.New(15 * time.Second), PerEndpoint: 32, Batch: 256, Poll: time.Millisecond})
	for got.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
}
