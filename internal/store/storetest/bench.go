package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// BenchmarkUpdateParallel measures durable transactions (a payment and its
// operation) committed from many goroutines and reports commits/s: the
// figure that shows whether a store groups commits or pays one flush per
// transaction.
func BenchmarkUpdateParallel(b *testing.B, st engine.Store) {
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			p := &payment.Payment{ID: id.New("pay"), MerchantID: "mer_b", Mode: payment.Sandbox, Status: payment.Captured, Amount: 100,
				Currency: money.MustLookup("USD"), CaptureMethod: payment.CaptureAutomatic, CreatedAt: time.Now(), UpdatedAt: time.Now()}
			op := &payment.Operation{ID: id.New("op"), PaymentID: p.ID, MerchantID: p.MerchantID, Mode: p.Mode, Kind: payment.OpSale,
				Status: payment.OpSucceeded, Amount: p.Amount, Currency: "USD", CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
			err := st.Update(ctx, func(tx engine.Tx) error {
				if err := tx.InsertPayment(ctx, p); err != nil {
					return err
				}
				return tx.InsertOperation(ctx, op)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}
