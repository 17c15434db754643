package payment

import "time"

// OpKind names what an operation did.
type OpKind string

// Operation kinds.
const (
	OpAuthorize OpKind = "authorize"
	OpSale      OpKind = "sale"
	OpCapture   OpKind = "capture"
	OpVoid      OpKind = "void"
	OpRefund    OpKind = "refund"
)

// OpStatus is an operation's outcome.
type OpStatus string

// Operation outcomes.
const (
	OpPending   OpStatus = "pending"
	OpSucceeded OpStatus = "succeeded"
	OpFailed    OpStatus = "failed"
)

// Operation is one request to the processor about a payment; together they
// are the payment's history. Refunds are operations of kind refund.
type Operation struct {
	ID             string
	PaymentID      string
	MerchantID     string
	Mode           Mode
	Kind           OpKind
	Status         OpStatus
	Amount         int64
	Currency       string
	ProcessorRef   string
	FailureCode    string
	FailureMessage string
	Reason         string
	Metadata       map[string]string
	IdempotencyKey string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}
