package smartpay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/paygate/paygate/internal/money"
)

// Money is SmartPay's amount object: a decimal JSON number (18.2) and an
// ISO 4217 code. The number is kept as its literal and parsed into minor
// units by the currency's exponent; it never becomes a float.
type Money struct {
	Amount       json.Number `json:"amount"`
	CurrencyCode string      `json:"currencyCode"`
	Description  string      `json:"description,omitempty"`
}

// Address is the part of billingAddress the door keeps.
type Address struct {
	CustomerFullName string `json:"customerFullName"`
	EmailAddress     string `json:"emailAddress"`
}

// Consumer is the part of consumer the door keeps.
type Consumer struct {
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	EmailAddress string `json:"emailAddress"`
}

// CreateRequest is the body of POST /payment/creation. Fields of the
// vendor's request that paygate does not act on (shippingAddress, order,
// criteria, templateContext, paymentSplit, deal, …) are accepted and ignored.
type CreateRequest struct {
	MerchantKey       string            `json:"merchantKey"`
	PartnerReference  string            `json:"partnerReference"`
	CustomerAccountID string            `json:"customerAccountId"`
	ThreeDSExemption  string            `json:"3dsExemption"`
	ShopCountry       string            `json:"shopCountry"`
	Payment           *Money            `json:"payment"`
	BillingAddress    *Address          `json:"billingAddress"`
	Consumer          *Consumer         `json:"consumer"`
	BusinessConsumer  json.RawMessage   `json:"businessConsumer"`
	CustomReferences  map[string]string `json:"customReferences"`
	// paygate extensions (docs/migrate-smartpay.md).
	AutoCapture     bool   `json:"autoCapture"`
	NotificationURL string `json:"notificationUrl"`
	ReturnURL       string `json:"returnUrl"`
	Locale          string `json:"locale"`
}

// ModificationRequest is the body of capture, refund and cancelOrRefund.
type ModificationRequest struct {
	TransactionID    string            `json:"transactionId"`
	MerchantKey      string            `json:"merchantKey"`
	ModificationID   string            `json:"modificationId"`
	ModifiedAmount   *Money            `json:"modifiedAmount"`
	Description      string            `json:"description"`
	CustomReferences map[string]string `json:"customReferences"`
}

// fieldError is a missing or malformed field found by the door.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

func badField(field, format string, args ...any) error {
	return &fieldError{field: field, msg: fmt.Sprintf(format, args...)}
}

// decode reads one JSON object, numbers kept as literals.
func decode(body []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return badField(te.Field, "has the wrong type")
		}
		return badField("body", "is not a JSON object")
	}
	if _, err := d.Token(); err != io.EOF {
		return badField("body", "has data after the JSON object")
	}
	return nil
}

// ParseCreate parses and checks a Create Checkout body. Amounts are
// checked by ParseMoney once the currency is known.
func ParseCreate(body []byte) (*CreateRequest, error) {
	var r CreateRequest
	if err := decode(body, &r); err != nil {
		return nil, err
	}
	if err := text("merchantKey", r.MerchantKey, 36, true); err != nil {
		return nil, err
	}
	if err := text("partnerReference", r.PartnerReference, 64, false); err != nil {
		return nil, err
	}
	for _, c := range r.PartnerReference {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.:", c)) {
			return nil, badField("partnerReference", "may hold only a-z A-Z 0-9 - _ . :")
		}
	}
	if err := text("customerAccountId", r.CustomerAccountID, 255, false); err != nil {
		return nil, err
	}
	if r.ThreeDSExemption != "" && r.ThreeDSExemption != "LVA" {
		return nil, badField("3dsExemption", "must be LVA")
	}
	if r.ShopCountry != "" && !isUpperAlpha(r.ShopCountry, 2) {
		return nil, badField("shopCountry", "must be an ISO 3166 alpha-2 code")
	}
	if r.Payment == nil {
		return nil, badField("payment", "is required")
	}
	if err := text("payment.description", r.Payment.Description, 127, false); err != nil {
		return nil, err
	}
	if _, _, err := ParseMoney("payment", r.Payment); err != nil {
		return nil, err
	}
	if r.BillingAddress == nil {
		return nil, badField("billingAddress", "is required")
	}
	for _, f := range []struct{ name, v string }{{"notificationUrl", r.NotificationURL}, {"returnUrl", r.ReturnURL}, {"locale", r.Locale}} {
		if err := text(f.name, f.v, 2048, false); err != nil {
			return nil, err
		}
	}
	return &r, customRefs(r.CustomReferences)
}

// ParseModification parses and checks a capture, refund or cancelOrRefund body.
func ParseModification(body []byte) (*ModificationRequest, error) {
	var r ModificationRequest
	if err := decode(body, &r); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"transactionId", r.TransactionID, 36}, {"merchantKey", r.MerchantKey, 36}, {"modificationId", r.ModificationID, 64}} {
		if err := text(f.name, f.v, f.max, true); err != nil {
			return nil, err
		}
	}
	if err := text("description", r.Description, 127, false); err != nil {
		return nil, err
	}
	if r.ModifiedAmount != nil {
		if err := text("modifiedAmount.description", r.ModifiedAmount.Description, 127, false); err != nil {
			return nil, err
		}
		if _, _, err := ParseMoney("modifiedAmount", r.ModifiedAmount); err != nil {
			return nil, err
		}
	}
	return &r, customRefs(r.CustomReferences)
}

func customRefs(m map[string]string) error {
	for k, v := range m {
		if k != "custom1" && k != "custom2" && k != "custom3" {
			return badField("customReferences", "holds only custom1, custom2 and custom3")
		}
		if err := text("customReferences."+k, v, 255, false); err != nil {
			return err
		}
	}
	return nil
}

// ParseMoney turns an amount object into minor units of its currency. A
// literal with more decimals than the currency has is refused unless the
// extra digits are zeros ("10.50" is fine for JPY only as "10" … "10.00").
func ParseMoney(field string, m *Money) (int64, money.Currency, error) {
	cur, err := money.Lookup(m.CurrencyCode)
	if err != nil || !isUpperAlpha(m.CurrencyCode, 3) {
		return 0, money.Currency{}, badField(field+".currencyCode", "must be an ISO 4217 currency code")
	}
	lit := m.Amount.String()
	if lit == "" {
		return 0, cur, badField(field+".amount", "is required")
	}
	if i := strings.IndexByte(lit, '.'); i >= 0 {
		frac := lit[i+1:]
		for len(frac) > cur.Exponent && strings.HasSuffix(frac, "0") {
			frac = frac[:len(frac)-1]
		}
		lit = lit[:i]
		if frac != "" {
			lit += "." + frac
		}
	}
	v, err := money.Parse(lit, cur)
	if err != nil {
		return 0, cur, badField(field+".amount", "must be a decimal number with at most %d decimals for %s", cur.Exponent, cur.Code)
	}
	if v <= 0 {
		return 0, cur, badField(field+".amount", "must be positive")
	}
	return v, cur, nil
}

func text(field, v string, max int, required bool) error {
	switch {
	case v == "" && required:
		return badField(field, "is required")
	case !utf8.ValidString(v):
		return badField(field, "is not UTF-8")
	case utf8.RuneCountInString(v) > max:
		return badField(field, "is longer than %d characters", max)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return badField(field, "holds control characters")
		}
	}
	return nil
}

func isUpperAlpha(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
