package ledger_test

import (
	"testing"

	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

func newPayment() *payment.Payment {
	return &payment.Payment{ID: "pay_1", MerchantID: "mer_1", Mode: payment.Sandbox, Currency: money.MustLookup("EUR"), Amount: 1000}
}

func sum(ps ...ledger.Posting) map[string]int64 {
	out := map[string]int64{}
	for _, p := range ps {
		for _, l := range p.Lines {
			out[l.Account] += l.Amount
		}
	}
	return out
}

func TestEveryBuilderProducesABalancedPosting(t *testing.T) {
	p := newPayment()
	for name, post := range map[string]ledger.Posting{
		"authorize":       ledger.Authorize(p, "op", 1000),
		"full capture":    ledger.Capture(p, "op", 1000, 0),
		"partial capture": ledger.Capture(p, "op", 600, 400),
		"void":            ledger.Release(p, "op", "void", 1000),
		"refund":          ledger.Refund(p, "op", 250),
	} {
		post.ID = name
		if err := post.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestValidateRefusesUnbalancedOrEmptyPostings(t *testing.T) {
	bad := []ledger.Posting{
		{ID: "one line", Lines: []ledger.Line{{Account: "a", Amount: 1, Currency: "EUR"}}},
		{ID: "unbalanced", Lines: []ledger.Line{{Account: "a", Amount: 1, Currency: "EUR"}, {Account: "b", Amount: -2, Currency: "EUR"}}},
		{ID: "balanced across currencies only", Lines: []ledger.Line{{Account: "a", Amount: 1, Currency: "EUR"}, {Account: "b", Amount: -1, Currency: "USD"}}},
		{ID: "zero line", Lines: []ledger.Line{{Account: "a", Amount: 0, Currency: "EUR"}, {Account: "b", Amount: 0, Currency: "EUR"}}},
		{ID: "overflow", Lines: []ledger.Line{{Account: "a", Amount: 1<<63 - 1, Currency: "EUR"}, {Account: "b", Amount: 1, Currency: "EUR"}, {Account: "c", Amount: -1, Currency: "EUR"}}},
	}
	for _, p := range bad {
		if p.Validate() == nil {
			t.Errorf("%s: accepted", p.ID)
		}
	}
}

func TestPaymentLifecycleLeavesBalancesThatMatchThePayment(t *testing.T) {
	p := newPayment()
	posts := []ledger.Posting{ledger.Authorize(p, "a", 1000)}
	p.Status, p.Authorized = payment.Authorized, 1000
	check := func(stage string) {
		t.Helper()
		s := sum(posts...)
		got := ledger.PaymentBalances{
			Holds:     s[ledger.Account("mer_1", payment.Sandbox, ledger.RoleHolds)],
			Available: s[ledger.Account("mer_1", payment.Sandbox, ledger.RoleAvailable)],
			Payers:    s[ledger.Account("mer_1", payment.Sandbox, ledger.RolePayers)],
		}
		if m := ledger.Compare(p, got); m != nil {
			t.Fatalf("%s: %s", stage, m)
		}
	}
	check("authorized")
	posts = append(posts, ledger.Capture(p, "c", 700, 300))
	p.Status, p.Captured = payment.Captured, 700
	check("partially captured")
	posts = append(posts, ledger.Refund(p, "r", 200))
	p.Status, p.Refunded = payment.PartiallyRefunded, 200
	check("partially refunded")
	p.Refunded = 300 // a payment row that claims more than the ledger holds
	if ledger.Compare(p, ledger.PaymentBalances{Available: 500, Payers: -500}) == nil {
		t.Fatal("mismatch not detected")
	}
}
