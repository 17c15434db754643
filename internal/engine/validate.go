package engine

import (
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// MaxAmount caps one payment at 10^12 minor units: far above any real card
// payment and far below int64 overflow however many are summed.
const MaxAmount = 1_000_000_000_000

func validAmount(param string, v int64) error {
	if v <= 0 {
		return fault.InvalidParam(param, "amount_invalid", "%s must be a positive integer number of minor units", param)
	}
	if v > MaxAmount {
		return fault.InvalidParam(param, "amount_too_large", "%s must be at most %d minor units", param, int64(MaxAmount))
	}
	return nil
}

func validText(param string, v string, max int) error {
	if !utf8.ValidString(v) {
		return fault.InvalidParam(param, "parameter_invalid", "%s must be valid UTF-8", param)
	}
	if utf8.RuneCountInString(v) > max {
		return fault.InvalidParam(param, "parameter_too_long", "%s must be at most %d characters", param, max)
	}
	return nil
}

func validMetadata(md map[string]string) error {
	if len(md) > 50 {
		return fault.InvalidParam("metadata", "metadata_invalid", "metadata may hold at most 50 keys")
	}
	for k, v := range md {
		if k == "" || utf8.RuneCountInString(k) > 40 {
			return fault.InvalidParam("metadata", "metadata_invalid", "metadata keys must be 1 to 40 characters")
		}
		if err := validText("metadata."+k, v, 500); err != nil {
			return err
		}
	}
	return nil
}

// CardInput is clear card data from a request. It lives for one request only.
// EncryptedNumber and EncryptedCVC, from client-side encryption, stand in
// for Number and CVC and are decrypted inside the vault boundary.
type CardInput struct {
	Number          string
	ExpMonth        int
	ExpYear         int
	CVC             string
	Holder          string
	EncryptedNumber string
	EncryptedCVC    string
}

// validCard checks the card before any processor sees it and returns the
// normalized number and brand. Messages never contain the number.
func validCard(c *CardInput, now time.Time) (string, card.Brand, error) {
	const p = "payment_method.card."
	if c == nil {
		return "", card.Unknown, fault.InvalidParam("payment_method.card", "parameter_missing", "payment_method.card is required for type card")
	}
	if c.Number == "" {
		return "", card.Unknown, fault.InvalidParam(p+"number", "parameter_missing", "card number is required")
	}
	number, brand, err := card.ValidateNumber(c.Number)
	if err != nil {
		return "", brand, fault.InvalidParam(p+"number", "incorrect_number", "the card number is not a valid card number")
	}
	if err := card.ValidateExpiry(c.ExpMonth, c.ExpYear, now); err != nil {
		switch {
		case errors.Is(err, card.ErrExpired):
			return "", brand, fault.InvalidParam(p+"exp_year", "expired_card", "the card has expired")
		case c.ExpMonth < 1 || c.ExpMonth > 12:
			return "", brand, fault.InvalidParam(p+"exp_month", "invalid_expiry_month", "exp_month must be 1 to 12")
		default:
			return "", brand, fault.InvalidParam(p+"exp_year", "invalid_expiry_year", "exp_year must be a four-digit year")
		}
	}
	if err := card.ValidateCVC(c.CVC, brand); err != nil {
		return "", brand, fault.InvalidParam(p+"cvc", "invalid_cvc", "cvc must be 3 digits (4 for American Express)")
	}
	if err := validText(p+"holder", c.Holder, 100); err != nil {
		return "", brand, err
	}
	return number, brand, nil
}

// CreatePaymentInput is a request for a sale or an authorization. Exactly
// one card source is set: Card (clear or client-side encrypted), Token with
// TokenKey (a single-use token from hosted fields or checkout), or
// PaymentMethodID (a customer's saved card).
type CreatePaymentInput struct {
	Amount          int64
	Currency        string
	CaptureMethod   payment.CaptureMethod
	Card            *CardInput
	Token           string
	TokenKey        string
	PaymentMethodID string
	// CVC may accompany a saved card on a customer-initiated payment.
	CVC string
	// Initiator is customer (default) or merchant (a saved card, payer absent).
	Initiator   payment.Initiator
	ReturnURL   string
	Description string
	Reference   string
	// Customer names the payer: a customer id (cus_…) or the merchant's own
	// reference of a customer saves the card to that customer (a vault
	// payment); any other value is only a label (a guest payment).
	Customer string
	// DoNotSave keeps a payment for a known customer a guest payment.
	DoNotSave bool
	// Recurring is "initial" (the payer consents to later charges: a
	// mandate is stored with the saved card) or "repeated" (a charge on
	// MandateID, merchant-initiated).
	Recurring string
	MandateID string
	// NotificationURL also receives this payment's events.
	NotificationURL string
	// Config names the payment-method configuration (pg_code) to use.
	Config string
	// AllowedConfigs, when Config is empty, limit routing to these
	// configurations (a checkout session's pg_codes).
	AllowedConfigs []string
	// Door names the front door the payment came through ("paymentz", or
	// "paymentz:11344" with what the door needs to sign its callbacks):
	// its NotificationURL then receives the door's own callbacks (rendered
	// by the door's DoorNotifier) instead of native webhooks.
	Door string

	captureGiven bool
	Metadata     map[string]string
}

func (in *CreatePaymentInput) validate(now time.Time) (money.Currency, error) {
	cur, _, _, err := in.validateFields(now, false)
	return cur, err
}

func (in *CreatePaymentInput) validateFields(now time.Time, withCard bool) (money.Currency, string, card.Brand, error) {
	if err := validAmount("amount", in.Amount); err != nil {
		return money.Currency{}, "", "", err
	}
	if in.Currency == "" {
		return money.Currency{}, "", "", fault.InvalidParam("currency", "parameter_missing", "currency is required (ISO 4217 code such as USD)")
	}
	cur, err := money.Lookup(in.Currency)
	if err != nil {
		return money.Currency{}, "", "", fault.InvalidParam("currency", "currency_invalid", "%q is not a supported ISO 4217 currency code", in.Currency)
	}
	in.captureGiven = in.CaptureMethod != ""
	switch in.CaptureMethod {
	case "":
		in.CaptureMethod = payment.CaptureAutomatic
	case payment.CaptureAutomatic, payment.CaptureManual:
	default:
		return cur, "", "", fault.InvalidParam("capture", "parameter_invalid", "capture must be automatic or manual")
	}
	for _, f := range []struct {
		param, v string
		max      int
	}{{"description", in.Description, 1000}, {"reference", in.Reference, 255}, {"customer", in.Customer, 255}} {
		if err := validText(f.param, f.v, f.max); err != nil {
			return cur, "", "", err
		}
	}
	if err := validMetadata(in.Metadata); err != nil {
		return cur, "", "", err
	}
	switch in.Initiator {
	case "":
		in.Initiator = payment.CustomerInitiated
	case payment.CustomerInitiated, payment.MerchantInitiated:
	default:
		return cur, "", "", fault.InvalidParam("initiator", "parameter_invalid", "initiator must be customer or merchant")
	}
	if in.ReturnURL != "" {
		if err := validURL("return_url", in.ReturnURL); err != nil {
			return cur, "", "", err
		}
	}
	switch in.Recurring {
	case "", "initial":
	case "repeated":
		if in.MandateID == "" {
			return cur, "", "", fault.InvalidParam("recurring.mandate", "parameter_missing", "a repeated payment names its mandate")
		}
		if in.Card != nil || in.Token != "" || in.PaymentMethodID != "" {
			return cur, "", "", fault.InvalidParam("payment_method", "parameter_invalid", "a repeated payment is charged to its mandate's card; give no payment_method")
		}
		in.Initiator = payment.MerchantInitiated
		return cur, "", "", nil
	default:
		return cur, "", "", fault.InvalidParam("recurring.type", "parameter_invalid", "recurring.type must be initial or repeated")
	}
	if in.Recurring == "initial" && in.Customer == "" {
		return cur, "", "", fault.InvalidParam("customer", "parameter_missing", "an initial recurring payment needs the customer whose card is kept")
	}
	sources := 0
	for _, set := range []bool{in.Card != nil, in.Token != "", in.PaymentMethodID != ""} {
		if set {
			sources++
		}
	}
	switch {
	case sources == 0:
		return cur, "", "", fault.InvalidParam("payment_method", "parameter_missing", "payment_method needs a card, a token or a saved payment method id")
	case sources > 1:
		return cur, "", "", fault.InvalidParam("payment_method", "parameter_invalid", "payment_method takes exactly one of card, token or id")
	case in.Initiator == payment.MerchantInitiated && in.PaymentMethodID == "":
		return cur, "", "", fault.InvalidParam("initiator", "parameter_invalid", "a merchant-initiated payment must use a saved payment method")
	}
	if !withCard {
		return cur, "", "", nil
	}
	number, brand, err := validCard(in.Card, now)
	return cur, number, brand, err
}

// validURL accepts an absolute http(s) URL of reasonable length.
func validURL(param, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(v) > 2048 || u.User != nil {
		return fault.InvalidParam(param, "url_invalid", "%s must be an absolute http or https URL", param)
	}
	return nil
}

// cardAt moves a card error's param from where a payment's card is
// (payment_method.card.…) to where this request holds its card (card.…,
// destination.card.…), so the answer names a field the request has.
func cardAt(err error, prefix string) error {
	var fe *fault.Error
	if !errors.As(err, &fe) || !strings.HasPrefix(fe.Param, "payment_method.card") {
		return err
	}
	moved := *fe
	moved.Param = prefix + strings.TrimPrefix(fe.Param, "payment_method.card")
	return &moved
}
