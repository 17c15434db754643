package ottu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// decimal is an amount as sent: a JSON string ("86.000") or number
// (86.000), kept as its literal text and never through a float.
type decimal string

func (d *decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = decimal(strings.TrimSpace(s))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*d = decimal(n.String())
	return nil
}

// Address is Ottu's billing address.
type Address struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	State      string `json:"state"`
	Country    string `json:"country"`
	PostalCode string `json:"postal_code"`
}

// Agreement is the part of Ottu's agreement paygate keeps (its id).
type Agreement struct {
	ID string `json:"id"`
}

// CheckoutRequest is the writable part of a Checkout API body. present
// says which fields the body carried (for PATCH).
type CheckoutRequest struct {
	Type              string     `json:"type"`
	Amount            decimal    `json:"amount"`
	CurrencyCode      string     `json:"currency_code"`
	PGCodes           []string   `json:"pg_codes"`
	PaymentType       string     `json:"payment_type"`
	CustomerID        string     `json:"customer_id"`
	CustomerEmail     string     `json:"customer_email"`
	CustomerFirstName string     `json:"customer_first_name"`
	CustomerLastName  string     `json:"customer_last_name"`
	CustomerPhone     string     `json:"customer_phone"`
	BillingAddress    *Address   `json:"billing_address"`
	Agreement         *Agreement `json:"agreement"`
	OrderNo           string     `json:"order_no"`
	WebhookURL        string     `json:"webhook_url"`
	RedirectURL       string     `json:"redirect_url"`
	ExpirationTime    string     `json:"expiration_time"`
	Language          string     `json:"language"`
	GenerateQRCode    bool       `json:"generate_qr_code"`

	present map[string]bool
}

func (c *CheckoutRequest) has(f string) bool { return c.present[f] }

// Payment types.
const (
	OneOff    = "one_off"
	AutoDebit = "auto_debit"
	SaveCard  = "save_card"
)

// ParseCheckoutRequest decodes and checks a Checkout API body; partial is
// PATCH (required fields may be absent).
func ParseCheckoutRequest(body []byte, partial bool) (*CheckoutRequest, error) {
	var raw map[string]json.RawMessage
	if err := decodeJSON(body, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, fieldErr("non_field_errors", "Invalid data. Expected a dictionary.")
	}
	req := &CheckoutRequest{present: map[string]bool{}}
	for k := range raw {
		req.present[k] = true
	}
	if err := decodeJSON(body, req); err != nil {
		return nil, err
	}
	if !partial {
		for _, f := range []string{"type", "amount", "currency_code", "pg_codes"} {
			if !req.has(f) {
				return nil, fieldErr(f, "This field is required.")
			}
		}
	}
	if req.has("type") && req.Type != "e_commerce" && req.Type != "payment_request" {
		return nil, fieldErr("type", fmt.Sprintf("%q is not a valid choice.", req.Type))
	}
	if req.has("pg_codes") && len(req.PGCodes) == 0 {
		return nil, fieldErr("pg_codes", "This list may not be empty.")
	}
	if req.has("payment_type") && !slices.Contains([]string{OneOff, AutoDebit, SaveCard}, req.PaymentType) {
		return nil, fieldErr("payment_type", fmt.Sprintf("%q is not a valid choice.", req.PaymentType))
	}
	if req.PaymentType == AutoDebit && (req.Agreement == nil || req.Agreement.ID == "") && !partial {
		return nil, fieldErr("agreement", "This field is required for auto_debit payments.")
	}
	if (req.PaymentType == AutoDebit || req.PaymentType == SaveCard) && req.CustomerID == "" && !partial {
		return nil, fieldErr("customer_id", "This field is required for "+req.PaymentType+" payments.")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"customer_id", req.CustomerID, 64}, {"customer_email", req.CustomerEmail, 128}, {"customer_first_name", req.CustomerFirstName, 64},
		{"customer_last_name", req.CustomerLastName, 64}, {"customer_phone", req.CustomerPhone, 16}, {"order_no", req.OrderNo, 128},
		{"webhook_url", req.WebhookURL, 2000}, {"redirect_url", req.RedirectURL, 2000}} {
		if len(f.v) > f.max {
			return nil, fieldErr(f.name, fmt.Sprintf("Ensure this field has no more than %d characters.", f.max))
		}
	}
	if req.has("language") && req.Language != "en" && req.Language != "ar" {
		return nil, fieldErr("language", fmt.Sprintf("%q is not a valid choice.", req.Language))
	}
	if req.ExpirationTime != "" {
		if _, err := ParseExpiration(req.ExpirationTime); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// ParseExpiration reads Ottu's expiration_time, "DD HH:MM:SS" (days
// optional).
func ParseExpiration(s string) (time.Duration, error) {
	bad := fieldErr("expiration_time", "Duration has wrong format. Use one of these formats instead: [DD] [HH:[MM:]]ss[.uuuuuu].")
	days := 0
	rest := strings.TrimSpace(s)
	if d, hms, ok := strings.Cut(rest, " "); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 365 {
			return 0, bad
		}
		days, rest = n, strings.TrimSpace(hms)
	}
	parts := strings.Split(rest, ":")
	if len(parts) > 3 {
		return 0, bad
	}
	total := time.Duration(days) * 24 * time.Hour
	unit := time.Second
	for i := len(parts) - 1; i >= 0; i-- {
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 || len(parts[i]) > 2 && i != 0 || n > 1_000_000 {
			return 0, bad
		}
		total += time.Duration(n) * unit
		unit *= 60
	}
	return total, nil
}

// FormatExpiration is Ottu's rendering of a duration.
func FormatExpiration(d time.Duration) string {
	d = d.Round(time.Second)
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	return fmt.Sprintf("%d %02d:%02d:%02d", days, int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second))
}
