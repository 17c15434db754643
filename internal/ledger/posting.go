package ledger

import (
	"fmt"
	"time"

	"github.com/paygate/paygate/internal/money"
)

// Line moves Amount (signed minor units) into Account. The lines of a posting
// sum to zero per currency: whatever one account gains, others lose.
type Line struct {
	Account  string
	Amount   int64
	Currency string
}

// Posting is one balanced set of lines recording one operation.
type Posting struct {
	ID          string
	MerchantID  string
	Mode        string
	PaymentID   string
	OperationID string
	Kind        string
	Lines       []Line
	CreatedAt   time.Time
}

// Validate refuses an empty posting, a zero line, overflowing sums and any
// currency whose lines do not sum to zero.
func (p Posting) Validate() error {
	if len(p.Lines) < 2 {
		return fmt.Errorf("ledger: posting %s has %d lines, needs at least 2", p.ID, len(p.Lines))
	}
	sums := map[string]int64{}
	for _, l := range p.Lines {
		if l.Amount == 0 {
			return fmt.Errorf("ledger: posting %s has a zero line on %s", p.ID, l.Account)
		}
		if l.Account == "" || l.Currency == "" {
			return fmt.Errorf("ledger: posting %s has a line without account or currency", p.ID)
		}
		s, ok := money.AddInt64(sums[l.Currency], l.Amount)
		if !ok {
			return fmt.Errorf("ledger: posting %s overflows in %s", p.ID, l.Currency)
		}
		sums[l.Currency] = s
	}
	for cur, s := range sums {
		if s != 0 {
			return fmt.Errorf("ledger: posting %s is unbalanced by %d %s", p.ID, s, cur)
		}
	}
	return nil
}
