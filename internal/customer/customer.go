// Package customer holds the payer accounts whose cards the vault keeps.
package customer

import (
	"time"

	"github.com/paygate/paygate/internal/payment"
)

// Customer is a payer account of one merchant in one mode. Reference is the
// merchant's own id for it (SmartPay's customer account id), unique per
// merchant and mode, so a merchant can address it without storing ours.
type Customer struct {
	ID         string
	MerchantID string
	Mode       payment.Mode
	Reference  string
	Email      string
	Name       string
	Metadata   map[string]string
	CreatedAt  time.Time
}
