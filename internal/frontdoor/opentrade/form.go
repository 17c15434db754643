package opentrade

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paygate/paygate/internal/money"
)

// The payer form's parameter names as the vendor's table spells them. They
// are matched without regard to case: the vendor's own sample sends
// paymentId, userId, amount, currency and description.
const (
	ParamOrderID     = "orderID"
	ParamPaymentID   = "PaymentID"
	ParamUserID      = "UserID"
	ParamAmount      = "Amount"
	ParamCurrency    = "Currency"
	ParamDescription = "Description"
	ParamSuccessURL  = "SuccessUrl"
	ParamFailURL     = "failUrl"
	ParamResultURL   = "resultUrl"
)

// params lists the form's parameters in the table's order.
var params = []string{ParamOrderID, ParamPaymentID, ParamUserID, ParamAmount, ParamCurrency, ParamDescription, ParamSuccessURL, ParamFailURL, ParamResultURL}

// Limits of the form's values.
const (
	maxIDLen          = 255
	maxDescriptionLen = 1000
	maxURLLen         = 2048
	maxAmount         = 1_000_000_000_000 // engine.MaxAmount, in minor units
)

// Form is a payer's payment form, validated. Amount is in minor units of
// Currency.
type Form struct {
	OrderID     string
	PaymentID   string
	UserID      string
	Amount      int64
	Currency    money.Currency
	Description string
	SuccessURL  string
	FailURL     string
	ResultURL   string
}

// FormError says which parameter of a form is wrong and why.
type FormError struct {
	Param   string
	Message string
}

func (e *FormError) Error() string { return e.Param + ": " + e.Message }

func formErr(param, format string, args ...any) error {
	return &FormError{Param: param, Message: fmt.Sprintf(format, args...)}
}

// ParseForm reads a payment form from request values. Names are matched
// without regard to case; a parameter given more than once (in any
// spelling) must repeat the same value. Unknown parameters are ignored.
// orderID, Description and failUrl are optional; the rest are required.
func ParseForm(v url.Values) (*Form, error) {
	got := map[string]string{}
	for name, vals := range v {
		canon := ""
		for _, p := range params {
			if strings.EqualFold(name, p) {
				canon = p
				break
			}
		}
		if canon == "" {
			continue
		}
		for _, val := range vals {
			if prev, seen := got[canon]; seen && prev != val {
				return nil, formErr(canon, "is given more than once with different values")
			}
			got[canon] = val
		}
	}
	f := &Form{}
	var err error
	if f.OrderID, err = ident(got, ParamOrderID, false); err != nil {
		return nil, err
	}
	if f.PaymentID, err = ident(got, ParamPaymentID, true); err != nil {
		return nil, err
	}
	if f.UserID, err = ident(got, ParamUserID, true); err != nil {
		return nil, err
	}
	cur := strings.TrimSpace(got[ParamCurrency])
	switch {
	case cur == "":
		return nil, formErr(ParamCurrency, "is required (an ISO 4217 numeric code such as 643)")
	case len(cur) == 3 && cur[0] >= '0' && cur[0] <= '9':
		f.Currency, err = money.ParseNumeric(cur)
	case len(cur) == 3:
		f.Currency, err = money.Lookup(cur)
	default:
		err = money.ErrUnknownCurrency
	}
	if err != nil {
		return nil, formErr(ParamCurrency, "%q is not a supported ISO 4217 currency (send its numeric code, such as 643)", clip(cur))
	}
	amt := strings.TrimSpace(got[ParamAmount])
	if amt == "" {
		return nil, formErr(ParamAmount, "is required (a decimal with a dot, such as 500.15)")
	}
	if f.Amount, err = money.Parse(amt, f.Currency); err != nil || strings.HasPrefix(amt, "-") {
		return nil, formErr(ParamAmount, "%q is not an amount in %s (a positive decimal with a dot and at most %d decimals, such as %s)",
			clip(amt), f.Currency.Code, f.Currency.Exponent, money.Format(50015, f.Currency))
	}
	if f.Amount <= 0 {
		return nil, formErr(ParamAmount, "must be more than zero")
	}
	if f.Amount > maxAmount {
		return nil, formErr(ParamAmount, "is too large")
	}
	f.Description = got[ParamDescription]
	if !utf8.ValidString(f.Description) || utf8.RuneCountInString(f.Description) > maxDescriptionLen {
		return nil, formErr(ParamDescription, "must be valid text of at most %d characters", maxDescriptionLen)
	}
	if f.SuccessURL, err = link(got, ParamSuccessURL, true); err != nil {
		return nil, err
	}
	if f.FailURL, err = link(got, ParamFailURL, false); err != nil {
		return nil, err
	}
	if f.ResultURL, err = link(got, ParamResultURL, true); err != nil {
		return nil, err
	}
	return f, nil
}

// ident checks an identifier: at most 255 characters of printable text
// without "|", the separator of the notification's canonical string.
func ident(got map[string]string, param string, required bool) (string, error) {
	s := got[param]
	if s == "" {
		if required {
			return "", formErr(param, "is required")
		}
		return "", nil
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxIDLen {
		return "", formErr(param, "must be valid text of at most %d characters", maxIDLen)
	}
	for _, r := range s {
		if r == '|' || !unicode.IsPrint(r) {
			return "", formErr(param, "must not contain \"|\" or control characters")
		}
	}
	return s, nil
}

// link checks an absolute http(s) URL, the engine's rule for return and
// notification URLs.
func link(got map[string]string, param string, required bool) (string, error) {
	s := strings.TrimSpace(got[param])
	if s == "" {
		if required {
			return "", formErr(param, "is required (an absolute http or https URL)")
		}
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(s) > maxURLLen {
		return "", formErr(param, "must be an absolute http or https URL")
	}
	return s, nil
}

// clip shortens an echoed value so an error stays readable.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// AmountString is the form's amount as the vendor writes it ("500.15").
func (f *Form) AmountString() string { return money.Format(f.Amount, f.Currency) }

// Parameters are the form's parameters, in the table's order and spelling,
// with the currency as its numeric code; empty optional ones are left out.
func (f *Form) Parameters() []Parameter {
	var ps []Parameter
	for _, p := range []Parameter{{ParamOrderID, f.OrderID}, {ParamPaymentID, f.PaymentID}, {ParamUserID, f.UserID},
		{ParamAmount, f.AmountString()}, {ParamCurrency, f.Currency.Numeric}, {ParamDescription, f.Description},
		{ParamSuccessURL, f.SuccessURL}, {ParamFailURL, f.FailURL}, {ParamResultURL, f.ResultURL}} {
		if p.Value != "" {
			ps = append(ps, p)
		}
	}
	return ps
}

// Values is Parameters as request values.
func (f *Form) Values() url.Values {
	v := url.Values{}
	for _, p := range f.Parameters() {
		v.Set(p.Name, p.Value)
	}
	return v
}
