package engine

import (
	"context"
	"sort"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/payment"
)

// GetPayment returns a payment and its operations, oldest first.
func (e *Engine) GetPayment(ctx context.Context, a Actor, id string) (*payment.Payment, []*payment.Operation, error) {
	p, err := e.store.GetPayment(ctx, a.MerchantID, a.Mode, id)
	if err != nil {
		return nil, nil, err
	}
	ops, err := e.store.ListOperations(ctx, a.MerchantID, a.Mode, id)
	return p, ops, err
}

// ListPayments returns one page, newest first, and whether more follow.
func (e *Engine) ListPayments(ctx context.Context, a Actor, f PaymentFilter) ([]*payment.Payment, bool, error) {
	if f.Limit == 0 {
		f.Limit = 10
	}
	if f.Limit < 1 || f.Limit > 100 {
		return nil, false, fault.InvalidParam("limit", "parameter_invalid", "limit must be between 1 and 100")
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, false, fault.InvalidParam("status", "parameter_invalid", "unknown status %q", f.Status)
	}
	f.MerchantID, f.Mode = a.MerchantID, a.Mode
	if f.Customer != "" {
		// A customer's payments name them by reference or by id (as each
		// request did): either finds all of them.
		if names := e.customerNames(ctx, a, f.Customer); len(names) == 2 {
			f.Customer, f.CustomerAlso = names[0], names[1]
		}
	}
	want := f.Limit
	f.Limit++
	ps, err := e.store.ListPayments(ctx, f)
	if err != nil {
		return nil, false, err
	}
	if len(ps) > want {
		return ps[:want], true, nil
	}
	return ps, false, nil
}

// CurrencyBalance is a merchant's money in one currency: Available is
// captured money net of refunds and payouts; Held is authorized, uncaptured.
type CurrencyBalance struct {
	Currency  string
	Available int64
	Held      int64
}

// Balance sums the merchant's ledger by currency.
func (e *Engine) Balance(ctx context.Context, a Actor) ([]CurrencyBalance, error) {
	rows, err := e.store.Balances(ctx, a.MerchantID, a.Mode)
	if err != nil {
		return nil, err
	}
	by := map[string]*CurrencyBalance{}
	for _, r := range rows {
		b := by[r.Currency]
		if b == nil {
			b = &CurrencyBalance{Currency: r.Currency}
			by[r.Currency] = b
		}
		switch r.Role {
		case ledger.RoleAvailable:
			b.Available += r.Amount
		case ledger.RoleHolds:
			b.Held += r.Amount
		}
	}
	out := make([]CurrencyBalance, 0, len(by))
	for _, b := range by {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out, nil
}

// customerNames are the names payments may give a customer: what was asked
// for, and, for a stored customer, their id and reference.
func (e *Engine) customerNames(ctx context.Context, a Actor, name string) []string {
	c, err := e.findCustomer(ctx, a, name)
	if err != nil || c.Reference == "" {
		return []string{name}
	}
	return []string{c.ID, c.Reference}
}
