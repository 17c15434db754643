package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	mrand "math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/payment"
)

// Event types. Each names the object and what happened to it.
const (
	PaymentRequiresAction   = "payment.requires_action"
	PaymentPending          = "payment.pending"
	PaymentAuthorized       = "payment.authorized"
	PaymentCaptured         = "payment.captured"
	PaymentFailed           = "payment.failed"
	PaymentVoided           = "payment.voided"
	PaymentExpired          = "payment.expired"
	PaymentRefunded         = "payment.refunded"
	RefundSucceeded         = "refund.succeeded"
	RefundFailed            = "refund.failed"
	PayoutPaid              = "payout.paid"
	PayoutFailed            = "payout.failed"
	CheckoutCompleted       = "checkout.session.completed"
	SubscriptionCyclePaid   = "subscription.cycle_paid"
	SubscriptionCycleFailed = "subscription.cycle_failed"
	SubscriptionPastDue     = "subscription.past_due"
	SubscriptionCompleted   = "subscription.completed"
	InvoicePaid             = "invoice.paid"
	InvoiceCanceled         = "invoice.canceled"
	InvoiceExpired          = "invoice.expired"
)

// Types lists every event type, for validating subscriptions.
var Types = []string{PaymentRequiresAction, PaymentPending, PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentVoided,
	PaymentExpired, PaymentRefunded, RefundSucceeded, RefundFailed, PayoutPaid, PayoutFailed, CheckoutCompleted,
	SubscriptionCyclePaid, SubscriptionCycleFailed, SubscriptionPastDue, SubscriptionCompleted, InvoicePaid, InvoiceCanceled, InvoiceExpired}

// ForStatus is the event a payment entering a status emits ("" for none).
func ForStatus(s payment.Status) string {
	switch s {
	case payment.RequiresAction:
		return PaymentRequiresAction
	case payment.Pending:
		return PaymentPending
	case payment.Authorized:
		return PaymentAuthorized
	case payment.Captured:
		return PaymentCaptured
	case payment.Failed:
		return PaymentFailed
	case payment.Voided:
		return PaymentVoided
	case payment.Expired:
		return PaymentExpired
	case payment.Refunded:
		return PaymentRefunded
	}
	return ""
}

// Event is something that happened to an object, stored in the same
// transaction as the change. Payload is the exact JSON every delivery sends.
type Event struct {
	ID         string
	MerchantID string
	Mode       payment.Mode
	Type       string
	ObjectID   string
	// Sequence increases per object in the order its events were emitted,
	// so a receiver can drop a stale event that arrives late.
	Sequence int64
	Payload  []byte
	// NotifyURL is the object's own notification URL, if it has one, and
	// NotifyDoor the front door whose format it expects ("" for native).
	NotifyURL, NotifyDoor string
	CreatedAt             time.Time
}

// Endpoint is a merchant's URL that receives events.
type Endpoint struct {
	ID          string
	MerchantID  string
	Mode        payment.Mode
	URL         string
	Description string
	// EventTypes subscribed; empty means all.
	EventTypes []string
	// SecretKeyID and SealedSecret hold the signing secret, sealed by the vault.
	SecretKeyID    string
	SealedSecret   []byte
	Enabled        bool
	DisabledReason string
	// Scope is "all" (the merchant's events, by type) or "notification"
	// (only events of objects that named this URL as their notification URL).
	Scope string
	// Door, for a notification endpoint, is the front door whose callbacks
	// it receives ("" for native webhooks).
	Door      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Wants reports whether the endpoint receives an event type.
func (e *Endpoint) Wants(ev *Event) bool {
	if !e.Enabled {
		return false
	}
	if e.Scope == ScopeNotification {
		return ev.NotifyURL == e.URL && ev.NotifyDoor == e.Door
	}
	return len(e.EventTypes) == 0 || slices.Contains(e.EventTypes, ev.Type)
}

// Endpoint scopes.
const (
	ScopeAll          = "all"
	ScopeNotification = "notification"
)

// Delivery states.
const (
	Pending   = "pending"
	Succeeded = "succeeded"
	Failed    = "failed"
)

// Delivery is one event on its way to one endpoint. Its id is the
// webhook-id: the same on every attempt.
type Delivery struct {
	ID            string
	EventID       string
	EndpointID    string
	MerchantID    string
	Mode          payment.Mode
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastStatus    int
	LastError     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// LockedUntil is the lease a claim took: recording the attempt succeeds
	// only while the delivery still holds this lease (another process may
	// have claimed it since).
	LockedUntil time.Time
	// Filled when claimed for sending.
	URL     string
	Payload []byte
	Secret  []byte
}

// Attempt is one try of a delivery, kept for the merchant to see.
type Attempt struct {
	DeliveryID string
	// Number is the attempt's place in the delivery's log, 1 first; the
	// store assigns it when it records the attempt.
	Number     int
	At         time.Time
	StatusCode int
	Error      string
	Duration   time.Duration
	Response   string
}

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// NewSecret returns a signing secret of 32 random bytes, whsec_-prefixed base64.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := cryptoRead(b); err != nil {
		panic(err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

func cryptoRead(b []byte) (int, error) { return rand.Read(b) }

// ParseSecret decodes a whsec_ secret into its key bytes.
func ParseSecret(s string) ([]byte, error) {
	raw, ok := strings.CutPrefix(s, SecretPrefix)
	if !ok {
		return nil, errors.New("webhook: a secret starts with whsec_")
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(b) < 24 || len(b) > 64 {
		return nil, errors.New("webhook: a secret is 24 to 64 bytes of base64")
	}
	return b, nil
}

// Sign is the Standard Webhooks v1 signature of a message:
// "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)).
func Sign(key []byte, id string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(ts, 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Schedule is the delay before each attempt, after the previous one: the
// Standard Webhooks example, about 75 hours in all (Stripe retries for 3 days).
var Schedule = []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour,
	5 * time.Hour, 10 * time.Hour, 14 * time.Hour, 20 * time.Hour, 24 * time.Hour}

// NextDelay is the wait after a failed attempt number n (1-based), with
// ±10 % jitter so retries of many messages do not arrive together; ok is
// false when the schedule is used up. A Retry-After from the receiver
// stretches the wait, up to the scheduled one plus a day.
func NextDelay(n int, retryAfter time.Duration) (time.Duration, bool) {
	if n >= len(Schedule) {
		return 0, false
	}
	d := Schedule[n]
	d += time.Duration((mrand.Float64()*0.2 - 0.1) * float64(d))
	if retryAfter > d {
		d = min(retryAfter, Schedule[n]+24*time.Hour)
	}
	return d, true
}

// Blocked reports whether a destination address is one deliveries must not
// reach (SSRF): loopback, private (RFC 1918, ULA), link-local (cloud
// metadata included), CGNAT, multicast, unspecified, and the IPv6 ranges
// that carry an IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible) or are
// site-local.
func Blocked(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsMulticast() ||
		a.IsUnspecified() || a.IsInterfaceLocalMulticast() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"), // CGNAT
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach IPv4 private space
	// IPv6 forms that embed or tunnel to an IPv4 address (which may be
	// private), and the deprecated site-local range, still routed inside
	// some networks.
	netip.MustParsePrefix("2002::/16"), // 6to4
	netip.MustParsePrefix("2001::/32"), // Teredo
	netip.MustParsePrefix("fec0::/10"), // site-local
	netip.MustParsePrefix("::/96"),     // IPv4-compatible
}
