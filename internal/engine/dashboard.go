package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// DashboardReader holds the read-only queries of the merchant dashboard. It
// is a separate, optional capability of a Store (both SQL stores have it),
// so the Store interface every adapter implements does not grow for a view.
type DashboardReader interface {
	// PaymentLedger returns the ledger lines written for a payment of the
	// merchant and mode, oldest first.
	PaymentLedger(ctx context.Context, merchantID string, mode payment.Mode, paymentID string) ([]LedgerEntry, error)
	// DailyPayments counts and sums the merchant's payments created at or
	// after since, by UTC day, currency, configuration and status.
	DailyPayments(ctx context.Context, merchantID string, mode payment.Mode, since time.Time) ([]DailyPayments, error)
}

// LedgerEntry is one line of a posting, as the dashboard shows it.
type LedgerEntry struct {
	PostingID   string
	Seq         int
	OperationID string
	// Kind is the posting's kind (authorize, sale, capture, refund, ...).
	Kind     string
	Account  string
	Role     string
	Amount   int64
	Currency string
	At       time.Time
}

// DailyPayments is the payments of one UTC day in one currency, through one
// configuration, ending in one status.
type DailyPayments struct {
	Day      time.Time
	Currency string
	Config   string
	Status   payment.Status
	Count    int64
	Amount   int64
}

var errNoDashboardReader = fault.New(fault.Internal, "dashboard_unsupported", "this store has no dashboard queries")

func (e *Engine) dashboardReader() (DashboardReader, error) {
	var st Store = e.store
	if es, ok := st.(*eventStore); ok {
		st = es.Store // the decorator adds events to writes; reads are the store's own
	}
	r, ok := st.(DashboardReader)
	if !ok {
		return nil, errNoDashboardReader
	}
	return r, nil
}

// SearchPayments is ListPayments with the dashboard's filters checked:
// amounts are positive and ordered, last four is four digits.
func (e *Engine) SearchPayments(ctx context.Context, a Actor, f PaymentFilter) ([]*payment.Payment, bool, error) {
	if f.AmountGTE < 0 {
		return nil, false, fault.InvalidParam("amount_min", "parameter_invalid", "the smallest amount must not be negative")
	}
	if f.AmountLTE < 0 || f.AmountLTE > 0 && f.AmountLTE < f.AmountGTE {
		return nil, false, fault.InvalidParam("amount_max", "parameter_invalid", "the largest amount must not be below the smallest")
	}
	if f.Last4 != "" && !fourDigits(f.Last4) {
		return nil, false, fault.InvalidParam("last4", "parameter_invalid", "last four must be four digits")
	}
	if err := validText("customer", f.Customer, 200); err != nil {
		return nil, false, err
	}
	if err := validText("reference", f.Reference, 200); err != nil {
		return nil, false, err
	}
	return e.ListPayments(ctx, a, f)
}

func fourDigits(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// PaymentLedger returns the ledger lines of one of the actor's payments.
func (e *Engine) PaymentLedger(ctx context.Context, a Actor, paymentID string) ([]LedgerEntry, error) {
	r, err := e.dashboardReader()
	if err != nil {
		return nil, err
	}
	if _, err := e.store.GetPayment(ctx, a.MerchantID, a.Mode, paymentID); err != nil {
		return nil, err
	}
	return r.PaymentLedger(ctx, a.MerchantID, a.Mode, paymentID)
}

// PaymentStats returns the actor's payments by day over the last days
// (today included, UTC).
func (e *Engine) PaymentStats(ctx context.Context, a Actor, days int) ([]DailyPayments, error) {
	if days < 1 || days > 366 {
		return nil, fault.InvalidParam("days", "parameter_invalid", "days must be between 1 and 366")
	}
	r, err := e.dashboardReader()
	if err != nil {
		return nil, err
	}
	today := e.now().UTC().Truncate(24 * time.Hour)
	return r.DailyPayments(ctx, a.MerchantID, a.Mode, today.AddDate(0, 0, 1-days))
}

// Now is the engine's clock, for views that count days.
func (e *Engine) Now() time.Time { return e.now() }
