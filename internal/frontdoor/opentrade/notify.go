package opentrade

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/webhook"
)

// Metadata keys under which the door keeps the form's identifiers on the
// checkout session (and so on its payments).
const (
	metaMember    = "opentrade_member"
	metaOrderID   = "opentrade_order_id"
	metaPaymentID = "opentrade_payment_id"
	metaUserID    = "opentrade_user_id"
)

// Result statuses of a notification.
const (
	StatusSuccess  = "success"  // the payment was captured: the order is paid
	StatusFail     = "fail"     // one attempt was declined or expired; the payer may still pay with another card while the form is open
	StatusRefunded = "refunded" // the payment was refunded in full
)

// Notification is the content of a result notification, every value
// already as text.
type Notification struct {
	OrderID       string
	PaymentID     string
	UserID        string
	Amount        string // "500.15": the currency's decimals, dot separator
	Currency      string // ISO 4217 numeric: "643"
	Status        string // StatusSuccess, StatusFail or StatusRefunded
	TransactionID string // paygate's payment id (pay_…)
	EventID       string // the same on every retry of one notification
	Timestamp     string // when the payment changed: RFC 3339 UTC, seconds ("2025-03-01T10:00:00Z")
}

// Canonical is the string a notification's signature covers: the values
// in this order joined by "|" (an absent orderID is an empty string):
//
//	orderID|PaymentID|UserID|Amount|Currency|Status|TransactionID|EventID|Timestamp
//
// No value can contain "|": the form refuses it in the identifiers and
// paygate writes the rest.
func Canonical(n Notification) string {
	return strings.Join([]string{n.OrderID, n.PaymentID, n.UserID, n.Amount, n.Currency, n.Status, n.TransactionID, n.EventID, n.Timestamp}, "|")
}

// Sign is the lower-case hex HMAC-SHA256 of canonical under the payment
// secret (its UTF-8 bytes as the key).
func Sign(secret, canonical string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(canonical))
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a notification's signature in constant time, as a
// receiver would.
func Verify(secret string, n Notification, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, Canonical(n))), []byte(strings.ToLower(signature)))
}

// Format renders a signed notification: the one swappable piece, for when
// the vendor's real format is known.
type Format interface {
	Render(n Notification, secret string) (body []byte, headers map[string]string, err error)
}

// FormFormat is paygate's format: an application/x-www-form-urlencoded
// POST of the Notification's fields under the names orderID, PaymentID,
// UserID, Amount, Currency, Status, TransactionID, EventID, Timestamp and
// Signature (Sign over Canonical). The signature is also sent in the
// X-Paygate-Signature header.
type FormFormat struct{}

// Render implements Format.
func (FormFormat) Render(n Notification, secret string) ([]byte, map[string]string, error) {
	sig := Sign(secret, Canonical(n))
	// Encode sorts by name; the order carries no meaning, the canonical string does.
	v := url.Values{"orderID": {n.OrderID}, "PaymentID": {n.PaymentID}, "UserID": {n.UserID}, "Amount": {n.Amount},
		"Currency": {n.Currency}, "Status": {n.Status}, "TransactionID": {n.TransactionID}, "EventID": {n.EventID},
		"Timestamp": {n.Timestamp}, "Signature": {sig}}
	return []byte(v.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Paygate-Signature": sig}, nil
}

// Secrets opens a door credential's secret: *engine.Engine.
type Secrets interface {
	DoorCredential(ctx context.Context, door string, memberID int64) (*engine.DoorCredential, string, error)
}

// Notifier is the door's engine.DoorNotifier. It is made before the engine
// (which takes it in engine.Config.Doors) and bound to it after.
type Notifier struct {
	secrets atomic.Pointer[Secrets]
	format  Format
}

// NewNotifier returns a Notifier rendering with f (nil: FormFormat).
func NewNotifier(f Format) *Notifier {
	if f == nil {
		f = FormFormat{}
	}
	return &Notifier{format: f}
}

// Bind gives the notifier the engine that opens payment secrets.
func (n *Notifier) Bind(s Secrets) { n.secrets.Store(&s) }

// eventPayment is what a notification needs of an event's payment JSON.
type eventPayment struct {
	ID        string            `json:"id"`
	Object    string            `json:"object"`
	Amount    int64             `json:"amount"`
	Currency  string            `json:"currency"`
	Metadata  map[string]string `json:"metadata"`
	UpdatedAt string            `json:"updated_at"`
}

// statusFor maps an event type to a notification status ("" sends nothing).
func statusFor(eventType string) string {
	switch eventType {
	case webhook.PaymentCaptured:
		return StatusSuccess
	case webhook.PaymentFailed, webhook.PaymentExpired:
		return StatusFail
	case webhook.PaymentRefunded:
		return StatusRefunded
	}
	return ""
}

// Notification implements engine.DoorNotifier: payment.captured,
// payment.failed, payment.expired and payment.refunded are notified; every
// other event sends nothing.
func (n *Notifier) Notification(ctx context.Context, ev engine.DoorEvent) ([]byte, map[string]string, bool, error) {
	status := statusFor(ev.Type)
	if status == "" {
		return nil, nil, false, nil
	}
	note, member, err := notificationOf(ev, status)
	if err != nil {
		return nil, nil, false, err
	}
	sp := n.secrets.Load()
	if sp == nil {
		return nil, nil, false, errors.New("opentrade: notifier not bound to the engine")
	}
	cred, secret, err := (*sp).DoorCredential(ctx, Door, member)
	if err != nil {
		return nil, nil, false, fmt.Errorf("opentrade: payment secret of member %d: %w", member, err)
	}
	if cred.MerchantID != ev.MerchantID || cred.Mode != ev.Mode {
		return nil, nil, false, fmt.Errorf("opentrade: member %d is not the event's merchant", member)
	}
	body, headers, err := n.format.Render(note, secret)
	if err != nil {
		return nil, nil, false, err
	}
	return body, headers, true, nil
}

// notificationOf reads the notification and the member whose secret signs
// it from an event's payment JSON.
func notificationOf(ev engine.DoorEvent, status string) (Notification, int64, error) {
	var p eventPayment
	if err := json.Unmarshal(ev.Object(), &p); err != nil || p.Object != "payment" {
		return Notification{}, 0, fmt.Errorf("opentrade: event %s is not a payment", ev.ID)
	}
	member, err := strconv.ParseInt(p.Metadata[metaMember], 10, 64)
	if err != nil {
		return Notification{}, 0, fmt.Errorf("opentrade: payment %s was not made through the door (no %s)", p.ID, metaMember)
	}
	cur, err := money.Lookup(p.Currency)
	if err != nil {
		return Notification{}, 0, fmt.Errorf("opentrade: payment %s: %w", p.ID, err)
	}
	at, err := time.Parse(time.RFC3339Nano, p.UpdatedAt)
	if err != nil {
		return Notification{}, 0, fmt.Errorf("opentrade: payment %s: updated_at %q", p.ID, p.UpdatedAt)
	}
	note := Notification{OrderID: p.Metadata[metaOrderID], PaymentID: p.Metadata[metaPaymentID], UserID: p.Metadata[metaUserID],
		Amount: money.Format(p.Amount, cur), Currency: cur.Numeric, Status: status, TransactionID: p.ID, EventID: ev.ID,
		Timestamp: at.UTC().Truncate(time.Second).Format(time.RFC3339)}
	for _, v := range []string{note.OrderID, note.PaymentID, note.UserID, note.TransactionID, note.EventID} {
		if strings.Contains(v, "|") {
			return Notification{}, 0, fmt.Errorf("opentrade: payment %s: a value contains \"|\"", p.ID)
		}
	}
	return note, member, nil
}
