package opentrade

import (
	"context"
	"crypto/hmac"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

// The door's own calls, status and refund, are paygate extensions: the
// vendor's protocol has neither. A call is a form POST signed like the
// result notification: Signature is Sign (lower-case hex HMAC-SHA256
// under the payment secret) over the call's canonical string, the call's
// name and its values joined by "|". The names make a status signature
// useless as a refund one, and the field counts (5, 8) differ from the
// notification's (9), so no signature of one kind verifies as another.

// MaxClockSkew is how far a signed call's Timestamp may be from paygate's
// clock.
const MaxClockSkew = 5 * time.Minute

// StatusRequest asks for one payment's status. TransactionID (paygate's
// pay_… id, from the notification) or PaymentID (the form's) names it;
// with only PaymentID the paid attempt is meant, or else the latest.
type StatusRequest struct {
	MemberID      string
	TransactionID string
	PaymentID     string
	Timestamp     string // RFC 3339, within MaxClockSkew of paygate's clock
}

// Canonical is the string a status call's Signature covers:
//
//	status|MemberID|TransactionID|PaymentID|Timestamp
func (q StatusRequest) Canonical() string {
	return strings.Join([]string{"status", q.MemberID, q.TransactionID, q.PaymentID, q.Timestamp}, "|")
}

// Values is the call's form, signed with secret.
func (q StatusRequest) Values(secret string) url.Values {
	return signed(secret, q.Canonical(), "MemberID", q.MemberID, "TransactionID", q.TransactionID, "PaymentID", q.PaymentID, "Timestamp", q.Timestamp)
}

// RefundRequest refunds a payment, in part (Amount, in Currency) or what
// is left of it (Amount and Currency empty). RefundID is the shop's id
// for the refund: a repeat with the same RefundID answers the first
// result and never refunds again.
type RefundRequest struct {
	MemberID      string
	TransactionID string
	PaymentID     string
	Amount        string // "100.05": the currency's decimals, dot separator; empty: all that is left
	Currency      string // ISO 4217 numeric ("643") or alphabetic; required with Amount
	RefundID      string
	Timestamp     string
}

// Canonical is the string a refund call's Signature covers:
//
//	refund|MemberID|TransactionID|PaymentID|Amount|Currency|RefundID|Timestamp
func (q RefundRequest) Canonical() string {
	return strings.Join([]string{"refund", q.MemberID, q.TransactionID, q.PaymentID, q.Amount, q.Currency, q.RefundID, q.Timestamp}, "|")
}

// Values is the call's form, signed with secret.
func (q RefundRequest) Values(secret string) url.Values {
	return signed(secret, q.Canonical(), "MemberID", q.MemberID, "TransactionID", q.TransactionID, "PaymentID", q.PaymentID,
		"Amount", q.Amount, "Currency", q.Currency, "RefundID", q.RefundID, "Timestamp", q.Timestamp)
}

func signed(secret, canonical string, pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			v.Set(pairs[i], pairs[i+1])
		}
	}
	v.Set("Signature", Sign(secret, canonical))
	return v
}

// callFields reads a signed call's fields by name, without regard to case
// (as the payer's form); a field given twice must repeat its value. Every
// value is printable text of at most 255 characters without "|".
func callFields(v url.Values, names ...string) (map[string]string, error) {
	got := map[string]string{}
	known := append(append([]string(nil), names...), "Signature")
	for name, vals := range v {
		canon := ""
		for _, n := range known {
			if strings.EqualFold(name, n) {
				canon = n
			}
		}
		if canon == "" {
			continue
		}
		for _, val := range vals {
			if prev, seen := got[canon]; seen && prev != val {
				return nil, fault.InvalidParam(canon, "parameter_invalid", "is given more than once with different values")
			}
			got[canon] = val
		}
	}
	for name, val := range got {
		if !utf8.ValidString(val) || utf8.RuneCountInString(val) > maxIDLen {
			return nil, fault.InvalidParam(name, "parameter_invalid", "must be valid text of at most %d characters", maxIDLen)
		}
		for _, r := range val {
			if r == '|' || !unicode.IsPrint(r) {
				return nil, fault.InvalidParam(name, "parameter_invalid", "must not contain \"|\" or control characters")
			}
		}
	}
	return got, nil
}

var errBadSignature = fault.New(fault.Unauthorized, "authentication_failed",
	"MemberID names no payment secret, or Signature is not the HMAC-SHA256 of the call under it")

// authenticate checks a signed call: the member's credential, the
// signature over canonical (constant time), then the timestamp. An
// unknown member and a wrong signature are one answer.
func (s *Server) authenticate(ctx context.Context, member, canonical, signature, timestamp string) (*engine.DoorCredential, error) {
	m, err := strconv.ParseInt(member, 10, 64)
	if err != nil {
		return nil, errBadSignature
	}
	cred, secret, err := s.e.DoorCredential(ctx, Door, m)
	if err != nil {
		if fault.KindOf(err) != fault.Unauthorized {
			s.log.ErrorContext(ctx, "opentrade credential lookup failed", "err", err)
			return nil, err
		}
		return nil, errBadSignature
	}
	if !hmac.Equal([]byte(Sign(secret, canonical)), []byte(strings.ToLower(signature))) {
		return nil, errBadSignature
	}
	at, err := time.Parse(time.RFC3339, timestamp)
	if err != nil {
		return nil, fault.InvalidParam("Timestamp", "parameter_invalid", "must be an RFC 3339 time such as 2025-03-01T10:00:00Z")
	}
	if d := s.now().Sub(at); d > MaxClockSkew || d < -MaxClockSkew {
		return nil, fault.New(fault.Unauthorized, "stale_timestamp", "Timestamp is more than %s from paygate's clock (%s)",
			MaxClockSkew, s.now().UTC().Format(time.RFC3339))
	}
	return cred, nil
}
