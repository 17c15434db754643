package engine

import (
	"context"
	"fmt"

	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/payout"
)

// LedgerReport is the outcome of VerifyLedger.
type LedgerReport struct {
	Payments           int
	Payouts            int
	UnbalancedPostings []string
	Mismatches         []ledger.Mismatch
	// Violations are payments whose own amounts break an invariant.
	Violations []string
}

// OK reports whether the ledger and the payments agree entirely.
func (r LedgerReport) OK() bool {
	return len(r.UnbalancedPostings) == 0 && len(r.Mismatches) == 0 && len(r.Violations) == 0
}

// VerifyLedger recomputes every payment's balances from the ledger lines and
// compares them with the payment's recorded amounts, and checks that every
// posting balances per currency.
func (e *Engine) VerifyLedger(ctx context.Context) (LedgerReport, error) {
	var r LedgerReport
	var err error
	if r.UnbalancedPostings, err = e.store.UnbalancedPostings(ctx); err != nil {
		return r, err
	}
	err = e.store.EachPayoutBalance(ctx, func(po *payout.Payout, pending, paid, available int64) error {
		r.Payouts++
		want := map[payout.Status][3]int64{
			payout.Pending: {po.Amount, 0, -po.Amount}, payout.Paid: {0, po.Amount, -po.Amount}, payout.Failed: {0, 0, 0},
		}[po.Status]
		if got := [3]int64{pending, paid, available}; got != want {
			r.Violations = append(r.Violations, fmt.Sprintf("payout %s is %s for %d but its ledger has pending %d, paid %d, available %d",
				po.ID, po.Status, po.Amount, pending, paid, available))
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	err = e.store.EachPaymentBalance(ctx, func(p *payment.Payment, b ledger.PaymentBalances) error {
		r.Payments++
		if err := p.Check(); err != nil {
			r.Violations = append(r.Violations, err.Error())
		}
		if m := ledger.Compare(p, b); m != nil {
			r.Mismatches = append(r.Mismatches, *m)
		}
		return nil
	})
	return r, err
}

// String summarises the report for the CLI.
func (r LedgerReport) String() string {
	if r.OK() {
		return fmt.Sprintf("ledger ok: %d payments, %d payouts, every posting balanced", r.Payments, r.Payouts)
	}
	s := fmt.Sprintf("ledger MISMATCH: %d payments, %d unbalanced postings, %d mismatches, %d violations",
		r.Payments, len(r.UnbalancedPostings), len(r.Mismatches), len(r.Violations))
	for _, id := range r.UnbalancedPostings {
		s += "\n  unbalanced posting " + id
	}
	for _, m := range r.Mismatches {
		s += "\n  " + m.String()
	}
	for _, v := range r.Violations {
		s += "\n  " + v
	}
	return s
}
