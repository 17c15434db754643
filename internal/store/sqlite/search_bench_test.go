package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/sqlite"
)

// BenchmarkDashboardSearchMillion measures the dashboard's payment searches
// (first page of 50) over one merchant's million payments:
//
//	go test ./internal/store/sqlite -run XXX -bench DashboardSearch -benchtime 200x
//
// Seeding takes about a minute.
func BenchmarkDashboardSearchMillion(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "m.db"), sqlite.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const n, batch = 1_000_000, 5_000
	eur := money.MustLookup("EUR")
	start := time.Now().Add(-90 * 24 * time.Hour)
	statuses := []payment.Status{payment.Captured, payment.Captured, payment.Captured, payment.Failed, payment.Authorized, payment.Refunded}
	for i := 0; i < n; i += batch {
		if err := st.Update(ctx, func(tx engine.Tx) error {
			for j := i; j < i+batch; j++ {
				at := start.Add(time.Duration(j) * 7 * time.Second)
				p := &payment.Payment{ID: id.NewAt("pay", at), MerchantID: "mer_big", Mode: payment.Sandbox, Status: statuses[j%len(statuses)],
					Amount: int64(100 + j%50_000), Currency: eur, CaptureMethod: payment.CaptureAutomatic,
					Card:      payment.Card{Brand: "visa", First6: "424242", Last4: fmt.Sprintf("%04d", j%10_000), ExpMonth: 12, ExpYear: 2031},
					Reference: fmt.Sprintf("order-%d", j), Customer: fmt.Sprintf("cust-%d", j%20_000), Connector: "sandbox", CreatedAt: at, UpdatedAt: at}
				if err := tx.InsertPayment(ctx, p); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	base := engine.PaymentFilter{MerchantID: "mer_big", Mode: payment.Sandbox, Limit: 50}
	for _, c := range []struct {
		name string
		f    func(engine.PaymentFilter) engine.PaymentFilter
	}{
		{"newest", func(f engine.PaymentFilter) engine.PaymentFilter { return f }},
		{"last4", func(f engine.PaymentFilter) engine.PaymentFilter { f.Last4 = "4242"; return f }},
		{"status", func(f engine.PaymentFilter) engine.PaymentFilter { f.Status = payment.Refunded; return f }},
		{"reference", func(f engine.PaymentFilter) engine.PaymentFilter { f.Reference = "order-777777"; return f }},
		{"customer", func(f engine.PaymentFilter) engine.PaymentFilter { f.Customer = "cust-123"; return f }},
		{"amount_range", func(f engine.PaymentFilter) engine.PaymentFilter { f.AmountGTE, f.AmountLTE = 40_000, 40_100; return f }},
		{"last_week", func(f engine.PaymentFilter) engine.PaymentFilter {
			f.CreatedGTE = start.Add(80 * 24 * time.Hour)
			return f
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := c.f(base)
			for b.Loop() {
				ps, err := st.ListPayments(ctx, f)
				if err != nil || len(ps) == 0 {
					b.Fatalf("%d %v", len(ps), err)
				}
			}
		})
	}
}
