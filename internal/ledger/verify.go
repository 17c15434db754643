package ledger

import (
	"fmt"

	"github.com/paygate/paygate/internal/payment"
)

// PaymentBalances are the sums of one payment's ledger lines per role.
type PaymentBalances struct {
	Holds, Available, Payers, Payouts int64
}

// ExpectedFor returns what a payment's ledger lines must sum to, given its
// recorded amounts and status: a hold remains only while authorized, and
// available is what was captured less what was refunded.
func ExpectedFor(p *payment.Payment) PaymentBalances {
	var e PaymentBalances
	if p.Status == payment.Authorized {
		e.Holds = p.Authorized
	}
	e.Available = p.Captured - p.Refunded
	e.Payers = -(e.Holds + e.Available)
	return e
}

// Mismatch describes one difference found by Verify.
type Mismatch struct {
	PaymentID string
	Want, Got PaymentBalances
}

func (m Mismatch) String() string {
	return fmt.Sprintf("payment %s: ledger has %+v, payment implies %+v", m.PaymentID, m.Got, m.Want)
}

// Compare checks one payment against the sums of its ledger lines.
func Compare(p *payment.Payment, got PaymentBalances) *Mismatch {
	want := ExpectedFor(p)
	if want != got {
		return &Mismatch{PaymentID: p.ID, Want: want, Got: got}
	}
	return nil
}
