package client

import "time"

// Card is what paygate shows of a card: never the full number.
type Card struct {
	Brand       string `json:"brand"`
	First6      string `json:"first6"`
	Last4       string `json:"last4"`
	ExpMonth    int    `json:"exp_month"`
	ExpYear     int    `json:"exp_year"`
	Holder      string `json:"holder"`
	Fingerprint string `json:"fingerprint"`
}

// PaymentMethod wraps the card of a payment.
type PaymentMethod struct {
	Type string `json:"type"`
	Card Card   `json:"card"`
}

// NextAction tells the payer what to do while a payment requires action.
type NextAction struct {
	Type        string `json:"type"`
	RedirectURL string `json:"redirect_url"`
}

// Payment is a payment object.
type Payment struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	Mode               string            `json:"mode"`
	Status             string            `json:"status"`
	Amount             int64             `json:"amount"`
	Currency           string            `json:"currency"`
	Capture            string            `json:"capture"`
	AmountAuthorized   int64             `json:"amount_authorized"`
	AmountCaptured     int64             `json:"amount_captured"`
	AmountRefunded     int64             `json:"amount_refunded"`
	AmountRefundable   int64             `json:"amount_refundable"`
	PaymentMethod      PaymentMethod     `json:"payment_method"`
	Description        string            `json:"description"`
	Reference          string            `json:"reference"`
	Customer           string            `json:"customer"`
	Metadata           map[string]string `json:"metadata"`
	Processor          string            `json:"processor"`
	ProcessorReference string            `json:"processor_reference"`
	FailureCode        string            `json:"failure_code"`
	FailureMessage     string            `json:"failure_message"`
	NextAction         *NextAction       `json:"next_action"`
	CreatedAt          time.Time         `json:"created_at"`
	UpdatedAt          time.Time         `json:"updated_at"`
	Operations         []Operation       `json:"operations"`
}

// Operation is one entry of a payment's history; a refund is one too.
type Operation struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	Payment            string            `json:"payment"`
	Type               string            `json:"type"`
	Status             string            `json:"status"`
	Amount             int64             `json:"amount"`
	Currency           string            `json:"currency"`
	Reason             string            `json:"reason"`
	Metadata           map[string]string `json:"metadata"`
	ProcessorReference string            `json:"processor_reference"`
	FailureCode        string            `json:"failure_code"`
	FailureMessage     string            `json:"failure_message"`
	CreatedAt          time.Time         `json:"created_at"`
}

// Refund is a refund object.
type Refund = Operation

// BalanceAmount is money in one currency.
type BalanceAmount struct {
	Currency string `json:"currency"`
	Amount   int64  `json:"amount"`
}

// Balance is a merchant's money per currency.
type Balance struct {
	Object    string          `json:"object"`
	Mode      string          `json:"mode"`
	Available []BalanceAmount `json:"available"`
	Held      []BalanceAmount `json:"held"`
}

// PaymentList is one page of payments.
type PaymentList struct {
	Data       []Payment `json:"data"`
	HasMore    bool      `json:"has_more"`
	NextCursor string    `json:"next_cursor"`
}

// CardParams is a card to charge.
type CardParams struct {
	Number   string `json:"number"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
	CVC      string `json:"cvc,omitempty"`
	Holder   string `json:"holder,omitempty"`
}

// CreatePaymentParams describes a sale (Capture "automatic", the default) or
// an authorization (Capture "manual").
type CreatePaymentParams struct {
	Amount      int64
	Currency    string
	Capture     string
	Card        CardParams
	Description string
	Reference   string
	Customer    string
	Metadata    map[string]string
}

// RefundParams asks for a refund; a nil Amount refunds all that remains.
type RefundParams struct {
	Amount   *int64            `json:"amount,omitempty"`
	Reason   string            `json:"reason,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// CaptureParams asks for a capture; a nil Amount captures everything authorized.
type CaptureParams struct {
	Amount *int64 `json:"amount,omitempty"`
}

// ListPaymentsParams filters a list of payments.
type ListPaymentsParams struct {
	Status        string
	Reference     string
	CreatedGTE    time.Time
	CreatedLT     time.Time
	Limit         int
	StartingAfter string
}
