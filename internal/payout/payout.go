// Package payout holds payouts: money sent from a merchant's available
// balance to a card or a bank account.
package payout

import (
	"time"

	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// Status is where a payout stands.
type Status string

// Payout statuses.
const (
	Pending Status = "pending" // reserved from the balance, sent or being sent
	Paid    Status = "paid"    // the processor paid it
	Failed  Status = "failed"  // refused; its money is back in the balance
)

// Destination is where the money goes. Only the last four digits of a bank
// account are kept.
type Destination struct {
	Type            string // "card" or "bank_account"
	Card            payment.Card
	PaymentMethodID string
	BankLast4       string
	BankCountry     string
	Holder          string
}

// Payout is money leaving a merchant's balance.
type Payout struct {
	ID             string
	MerchantID     string
	Mode           payment.Mode
	Status         Status
	Amount         int64
	Currency       money.Currency
	Destination    Destination
	Description    string
	Reference      string
	Metadata       map[string]string
	Connector      string
	ProcessorRef   string
	FailureCode    string
	FailureMessage string
	IdempotencyKey string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}
