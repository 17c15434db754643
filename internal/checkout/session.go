package checkout

import (
	"strings"
	"time"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// Status is where a checkout session stands.
type Status string

// Session statuses.
const (
	Open     Status = "open"     // can be paid
	Complete Status = "complete" // paid (authorized or captured): never again
	Expired  Status = "expired"  // ran out of time unpaid
)

// Locales the hosted page speaks.
var Locales = []string{"en", "ar"}

// Session is a request to collect one payment on paygate's hosted page. The
// checkout token that opens it is stored only as a hash.
type Session struct {
	ID            string
	MerchantID    string
	Mode          payment.Mode
	TokenHash     string
	Status        Status
	Amount        int64
	Currency      money.Currency
	CaptureMethod payment.CaptureMethod
	CustomerID    string
	// Brands limits the card brands the page accepts; empty means all.
	Brands          []string
	SaveCard        bool
	Description     string
	Reference       string
	Locale          string
	SuccessURL      string
	CancelURL       string
	NotificationURL string
	// Door is the front door the session came through; its payment's
	// callbacks are the door's (see engine.DoorNotifier).
	Door string
	// Config is the payment-method configuration (pg_code) its payment
	// goes through; "" lets routing choose.
	Config string
	// AllowedConfigs, when Config is empty, are the configurations routing
	// may choose from for its payment; empty means any.
	AllowedConfigs []string
	// EmbedOrigins may frame the page (the SmartPay-style widget); empty
	// means the page refuses to be framed.
	EmbedOrigins []string
	Metadata     map[string]string
	PaymentID    string
	ExpiresAt    time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ReturnOriginsKey is the metadata key under which a front door lists
// (space-separated) the origins its own return page sends the payer on to,
// such as Ottu's redirect_url. The card form's form-action allows them as
// it allows the success and cancel URLs': browsers apply form-action to
// every redirect that follows a form's submission, so a return page that
// redirects straight on to the shop would otherwise strand the payer.
const ReturnOriginsKey = "paygate_return_origins"

// ReturnOrigins lists the origins under ReturnOriginsKey.
func (s *Session) ReturnOrigins() []string { return strings.Fields(s.Metadata[ReturnOriginsKey]) }

// Payable answers why a session cannot take a payment at t, or nil.
func (s *Session) Payable(t time.Time) error {
	switch {
	case s.Status == Complete:
		return fault.New(fault.Conflict, "checkout_session_complete", "this checkout session has already been paid")
	case s.Status == Expired || !t.Before(s.ExpiresAt):
		return fault.New(fault.Conflict, "checkout_session_expired", "this checkout session has expired")
	}
	return nil
}

// AcceptsBrand reports whether the session takes a card brand.
func (s *Session) AcceptsBrand(brand string) bool {
	if len(s.Brands) == 0 {
		return true
	}
	for _, b := range s.Brands {
		if b == brand {
			return true
		}
	}
	return false
}
