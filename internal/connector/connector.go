package connector

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/money"
)

// Connector talks to one processor. Every method must honour ctx's deadline.
// A returned *Error with class Timeout or Unavailable means the outcome is
// unknown or the request was not processed; callers resolve unknown outcomes
// with Status, never by sending the charge again.
type Connector interface {
	// Name is the connector's stable identifier ("sandbox", "paytrace").
	Name() string
	// Authorize holds (and with Capture set, also captures) an amount on a card.
	Authorize(ctx context.Context, req AuthorizeRequest) (Result, error)
	// Capture captures up to the authorized amount of an earlier authorization.
	Capture(ctx context.Context, req CaptureRequest) (Result, error)
	// Void cancels an uncaptured authorization.
	Void(ctx context.Context, req VoidRequest) (Result, error)
	// Refund returns captured money to the payer, in part or in full.
	Refund(ctx context.Context, req RefundRequest) (Result, error)
	// Payout sends money from the merchant to a card or account.
	Payout(ctx context.Context, req PayoutRequest) (Result, error)
	// Status looks up the processor's view of an earlier Authorize, by the
	// PaymentID that was sent with it (processors keep it as an order id or
	// idempotency key) or by ProcessorRef; or, with OperationID, of an
	// earlier capture, void or refund.
	Status(ctx context.Context, req StatusRequest) (Result, error)
}

// InProcess is implemented by connectors that answer from memory, without
// I/O and without blocking (the built-in sandbox). The engine may then call
// them inside the transaction that records the answer. Such a connector must
// treat a repeated Authorize for the same PaymentID as the same request
// (answer what it answered before), because a transaction may be re-run.
type InProcess interface {
	InProcess() bool
}

// Card is the clear card data a connector needs. It exists only for the
// length of one call and must never be logged or stored by a connector.
type Card struct {
	Number   string
	ExpMonth int
	ExpYear  int
	CVC      string
	Holder   string
	Brand    string
}

// AuthorizeRequest asks for an authorization or a sale.
type AuthorizeRequest struct {
	PaymentID   string // paygate's id; processors use it as the idempotency key
	MerchantID  string
	Live        bool
	Amount      money.Amount
	Capture     bool // true: sale; false: authorize only
	Card        Card
	Description string
	Reference   string
	Customer    string
	// MerchantInitiated marks a repeated payment on a stored card (no CVC, no payer present).
	MerchantInitiated bool
	ReturnURL         string
}

// CaptureRequest captures part or all of an authorization.
type CaptureRequest struct {
	PaymentID    string
	OperationID  string
	ProcessorRef string
	Amount       money.Amount
	Live         bool
}

// VoidRequest cancels an authorization.
type VoidRequest struct {
	PaymentID    string
	OperationID  string
	ProcessorRef string
	Live         bool
}

// RefundRequest returns captured money.
type RefundRequest struct {
	PaymentID    string
	OperationID  string
	ProcessorRef string
	Amount       money.Amount
	Reason       string
	Live         bool
}

// PayoutRequest sends money to a card or, when Bank is set, a bank account.
type PayoutRequest struct {
	PayoutID string
	Amount   money.Amount
	Card     Card
	Bank     *BankAccount
	Live     bool
}

// BankAccount is where a bank payout goes; it lives for one call only.
type BankAccount struct {
	Holder        string
	IBAN          string
	AccountNumber string
	RoutingNumber string
	Country       string
}

// StatusRequest identifies an earlier authorization.
type StatusRequest struct {
	PaymentID    string
	ProcessorRef string
	// OperationID, when set, asks about a capture, void or refund sent with
	// that id instead of the authorization; NotFound means it never arrived.
	OperationID string
	Live        bool
}

// Outcome is what the processor decided.
type Outcome string

// Outcomes a processor can answer.
const (
	Approved       Outcome = "approved"        // authorized (or captured, for a sale)
	Declined       Outcome = "declined"        // refused; DeclineCode says why
	Pending        Outcome = "pending"         // accepted; decided later (poll Status)
	ActionRequired Outcome = "action_required" // payer must authenticate at ActionURL
	NotFound       Outcome = "not_found"       // Status only: the processor never saw it
)

// ThreeDS records a 3-D Secure result.
type ThreeDS struct {
	Version     string
	TransStatus string // Y, A, N, U, C
	ECI         string
	CAVV        string
	Flow        string // frictionless or challenge
}

// Result is a processor's answer to any operation.
type Result struct {
	Outcome      Outcome
	ProcessorRef string
	// Captured is set by Authorize/Status when the money was captured too.
	Captured bool
	// AmountAuthorized may be less than requested for partial approvals.
	AmountAuthorized int64
	DeclineCode      string
	Message          string
	// Retryable marks a decline that may succeed if tried again (processing_error).
	Retryable bool
	ActionURL string
	ThreeDS   *ThreeDS
	// RawCode is the processor's own response code, kept for support.
	RawCode string
}

// Challenger is implemented by connectors that host the payer's 3-D Secure
// challenge themselves (the sandbox's ACS page). Challenge describes a
// waiting challenge; CompleteChallenge takes the payer's answer and returns
// the authorization's final result.
type Challenger interface {
	Challenge(challengeID string) (ChallengeInfo, bool)
	CompleteChallenge(ctx context.Context, challengeID, answer string) (Result, error)
}

// ChallengeInfo is what an authentication page shows and where its result belongs.
type ChallengeInfo struct {
	ChallengeID string
	PaymentID   string
	MerchantID  string
	Live        bool
	Amount      money.Amount
	Brand       string
	Last4       string
}

// Settings is what one payment-method configuration gives its connector:
// the processor account's credentials (opened from the vault only to build
// the connector) and whether it is a live or a test account.
type Settings struct {
	ConfigID    string
	Code        string
	Live        bool
	Credentials map[string]string
}

// Factory builds a connector for one configuration. It must not call the
// processor (credentials are checked on first use), so building is cheap.
// A missing or malformed credential is an *Error of class InvalidRequest
// whose Code is "credentials_invalid" and whose Message names the field.
type Factory func(s Settings) (Connector, error)

// LookupLagger is implemented by connectors whose status lookup by
// PaymentID may miss a request for a while after it was made (Stripe's
// search is eventually consistent). Until LookupLag has passed since a
// payment was last changed, the engine treats NotFound as "not yet known".
type LookupLagger interface {
	LookupLag() time.Duration
}
