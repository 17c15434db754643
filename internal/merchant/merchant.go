// Package merchant defines the merchant, the owner of every other object.
// No I/O.
package merchant

import "time"

// Merchant is a business that takes payments through paygate.
type Merchant struct {
	ID        string
	Name      string
	CreatedAt time.Time
}
