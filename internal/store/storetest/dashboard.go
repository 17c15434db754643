package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/payment"
)

// runDashboard checks the dashboard's queries: search filters, a payment's
// ledger lines and the payments by day.
func runDashboard(t *testing.T, open Opener) {
	ctx := context.Background()
	t.Run("the dashboard's search filters amount, last four and customer", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		var ps []*payment.Payment
		for i, c := range []struct {
			amount          int64
			last4, customer string
		}{{100, "4242", "ana"}, {250, "1111", "ana"}, {400, "4242", "bo"}, {900, "4242", "bo"}} {
			p := newPayment(m, payment.Sandbox)
			p.Amount, p.Card.Last4, p.Customer = c.amount, c.last4, c.customer
			p.CreatedAt = now.Add(time.Duration(i) * time.Second)
			insert(t, st, p)
			ps = append(ps, p)
		}
		ids := func(f engine.PaymentFilter) []string {
			f.MerchantID, f.Mode, f.Limit = m.ID, payment.Sandbox, 10
			got, err := st.ListPayments(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range got {
				out = append(out, p.ID)
			}
			return out
		}
		for _, c := range []struct {
			name string
			f    engine.PaymentFilter
			want []*payment.Payment
		}{
			{"by last four", engine.PaymentFilter{Last4: "4242"}, []*payment.Payment{ps[3], ps[2], ps[0]}},
			{"by customer", engine.PaymentFilter{Customer: "ana"}, []*payment.Payment{ps[1], ps[0]}},
			{"by amount range", engine.PaymentFilter{AmountGTE: 250, AmountLTE: 400}, []*payment.Payment{ps[2], ps[1]}},
			{"all together, after a cursor", engine.PaymentFilter{Last4: "4242", Customer: "bo", AmountGTE: 300, AmountLTE: 800, StartingAfter: "pay_~"}, []*payment.Payment{ps[2]}},
		} {
			// Ids made in the same millisecond need not sort by creation:
			// compare the sets, and check the order is the store's.
			got := ids(c.f)
			var want []string
			for _, p := range c.want {
				want = append(want, p.ID)
			}
			slices.Sort(want)
			if !slices.IsSortedFunc(got, func(a, b string) int { return strings.Compare(b, a) }) || !slices.Equal(slices.Sorted(slices.Values(got)), want) {
				t.Fatalf("%s: %v, want %v", c.name, got, want)
			}
		}
	})
	t.Run("a payment's ledger lines and the payments by day", func(t *testing.T) {
		st, _ := open(t)
		r, ok := st.(engine.DashboardReader)
		if !ok {
			t.Fatal("the store has no dashboard queries")
		}
		m := newMerchant(t, st)
		day := now.UTC().Truncate(24 * time.Hour)
		p := newPayment(m, payment.Sandbox)
		p.CreatedAt = day.Add(time.Hour)
		insert(t, st, p)
		q := newPayment(m, payment.Sandbox)
		q.Status, q.CreatedAt = payment.Failed, day.Add(-time.Hour)
		insert(t, st, q)
		other := newPayment(m, payment.Live)
		other.CreatedAt = day
		insert(t, st, other)
		post := ledger.Sale(p, id.New("op"), p.Amount)
		post.ID, post.CreatedAt = id.New("pst"), now
		update(t, st, func(tx engine.Tx) error { return tx.InsertPostings(ctx, []ledger.Posting{post}) })
		lines, err := r.PaymentLedger(ctx, m.ID, payment.Sandbox, p.ID)
		if err != nil || len(lines) != 2 || lines[0].Kind != "sale" || lines[0].Amount+lines[1].Amount != 0 || lines[1].Role != ledger.RoleAvailable {
			t.Fatalf("ledger lines %+v %v", lines, err)
		}
		if lines, _ := r.PaymentLedger(ctx, m.ID, payment.Live, p.ID); len(lines) != 0 {
			t.Fatalf("another mode sees the payment's lines: %+v", lines)
		}
		days, err := r.DailyPayments(ctx, m.ID, payment.Sandbox, day.AddDate(0, 0, -1))
		if err != nil || len(days) != 2 {
			t.Fatalf("days %+v %v", days, err)
		}
		if d := days[0]; !d.Day.Equal(day.AddDate(0, 0, -1)) || d.Status != payment.Failed || d.Count != 1 || d.Amount != 500 || d.Currency != "KWD" {
			t.Fatalf("first day %+v", d)
		}
		if d := days[1]; !d.Day.Equal(day) || d.Status != payment.Captured || d.Count != 1 {
			t.Fatalf("second day %+v", d)
		}
	})
}
