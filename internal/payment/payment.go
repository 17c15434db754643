package payment

import (
	"time"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
)

// Mode separates test money from real money. Objects never cross modes.
type Mode string

// The two modes of every merchant.
const (
	Sandbox Mode = "sandbox"
	Live    Mode = "live"
)

// CaptureMethod says whether a payment is a sale or an authorization only.
type CaptureMethod string

// Capture methods.
const (
	CaptureAutomatic CaptureMethod = "automatic" // sale
	CaptureManual    CaptureMethod = "manual"    // authorize, capture later
)

// Card is what paygate keeps of a card outside the vault: never the number, never the CVC.
type Card struct {
	Brand       string `json:"brand"`
	First6      string `json:"first6"`
	Last4       string `json:"last4"`
	ExpMonth    int    `json:"exp_month"`
	ExpYear     int    `json:"exp_year"`
	Holder      string `json:"holder,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// NextAction tells the client what the payer must do for requires_action.
type NextAction struct {
	Type        string `json:"type"`
	RedirectURL string `json:"redirect_url"`
}

// Initiator says who started a payment.
type Initiator string

// Initiators (card schemes' CIT and MIT).
const (
	CustomerInitiated Initiator = "customer"
	MerchantInitiated Initiator = "merchant"
)

// ThreeDS is a 3-D Secure outcome. Clients cannot set it: the processor's
// authentication result is the only source. The authentication value (CAVV)
// is kept sealed by the vault, never in clear.
type ThreeDS struct {
	Version        string `json:"version"`
	TransStatus    string `json:"trans_status"`
	ECI            string `json:"eci,omitempty"`
	Flow           string `json:"flow"` // "frictionless" or "challenge"
	LiabilityShift bool   `json:"liability_shift"`
	// SealedAuthValue is the vault-sealed authentication value (base64).
	SealedAuthValue string `json:"sealed_authentication_value,omitempty"`
	AuthValueKeyID  string `json:"authentication_value_key,omitempty"`
}

// Payment is one attempt to take money from a payer for a merchant.
// Amounts are minor units of Currency. Invariants (checked by Check):
// Captured <= Authorized, Refunded + RefundPending <= Captured.
type Payment struct {
	ID            string
	MerchantID    string
	Mode          Mode
	Status        Status
	Amount        int64
	Currency      money.Currency
	CaptureMethod CaptureMethod
	Authorized    int64
	Captured      int64
	Refunded      int64
	// RefundPending is money reserved by refunds sent to the processor whose
	// outcome is not recorded yet; it counts against what may still be refunded.
	RefundPending int64
	// InFlight names a capture or void sent to the processor and not yet
	// recorded, so a second one is refused rather than sent twice.
	InFlight       string
	Card           Card
	Description    string
	Reference      string
	Customer       string
	Metadata       map[string]string
	Connector      string
	ProcessorRef   string
	FailureCode    string
	FailureMessage string
	NextAction     *NextAction
	// PaymentMethod is the vault record charged or saved (pm_… or tok_…), if any.
	PaymentMethod string
	// Initiator says who started the payment: the payer ("customer", on
	// session) or the merchant on a stored card ("merchant", off session).
	Initiator Initiator
	// ThreeDS is the 3-D Secure result, when authentication ran.
	ThreeDS *ThreeDS
	// Config is the payment-method configuration (pg_code) it went through.
	Config string
	// Door is the front door it came through ("" for the native API).
	Door string
	// NotificationURL also receives this payment's events (signed with the
	// merchant's notification secret).
	NotificationURL string
	// Mandate is the recurring mandate this payment created (initial) or used (repeated).
	Mandate string
	// ReturnURL is where the payer's browser goes after a 3-D Secure challenge.
	ReturnURL      string
	IdempotencyKey string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Refundable returns how much may still be refunded.
func (p *Payment) Refundable() int64 { return p.Captured - p.Refunded - p.RefundPending }

// Check verifies the amount invariants; a violation is a bug, never user error.
func (p *Payment) Check() error {
	if p.Captured > p.Authorized || p.Refunded+p.RefundPending > p.Captured || p.Refunded < 0 || p.RefundPending < 0 {
		return fault.New(fault.Internal, "amount_invariant", "payment %s amounts out of bounds: authorized %d captured %d refunded %d pending %d",
			p.ID, p.Authorized, p.Captured, p.Refunded, p.RefundPending)
	}
	return nil
}

// TransitionTo moves the payment to a new status or answers a Conflict.
func (p *Payment) TransitionTo(to Status) error {
	if !CanTransition(p.Status, to) {
		return fault.New(fault.Conflict, "payment_invalid_state", "payment %s is %s and cannot become %s", p.ID, p.Status, to)
	}
	p.Status = to
	return nil
}
