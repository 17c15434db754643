package paytrace

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// response is every field paygate reads from a PayTrace v1 answer. One
// struct serves all endpoints because PayTrace shares the envelope
// (success, response_code, status_message, errors) across them.
type response struct {
	Success         bool                `json:"success"`
	ResponseCode    flexInt             `json:"response_code"`
	StatusMessage   string              `json:"status_message"`
	TransactionID   flexString          `json:"transaction_id"`
	ApprovalCode    string              `json:"approval_code"`
	ApprovalMessage string              `json:"approval_message"`
	AVSResponse     string              `json:"avs_response"`
	CSCResponse     string              `json:"csc_response"`
	CustomerID      flexString          `json:"customer_id"`
	Errors          map[string][]string `json:"errors"`
	// OAuth-style failures: the grant's refusal and invalid_token.
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`

	Transactions []exportedTransaction `json:"transactions"`
	Customers    []exportedCustomer    `json:"customers"`
	ClientKey    string                `json:"clientKey"`
}

// exportedTransaction is one entry of export/by_id or export/by_date_range.
// The reference names only the transactions[] array; these fields are
// paygate's assumption of its shape (see docs/connectors/paytrace.md).
type exportedTransaction struct {
	TransactionID         flexString `json:"transaction_id"`
	TransactionType       string     `json:"transaction_type"` // Sale, Authorization, Refund
	Status                string     `json:"status"`           // Approved, Declined, Captured, Voided
	Amount                flexString `json:"amount"`
	CapturedAmount        flexString `json:"captured_amount"`
	RefundedAmount        flexString `json:"refunded_amount"`
	InvoiceID             string     `json:"invoice_id"`
	OriginalTransactionID flexString `json:"original_transaction_id"`
	CustomerID            flexString `json:"customer_id"` // the vaulted customer a by_customer sale charged
	ResponseCode          flexInt    `json:"response_code"`
	StatusMessage         string     `json:"status_message"`
	ApprovalMessage       string     `json:"approval_message"`
	CSCResponse           string     `json:"csc_response"`
}

type exportedCustomer struct {
	CustomerID flexString `json:"customer_id"`
	CreditCard struct {
		MaskedNumber    string  `json:"masked_number"`
		ExpirationMonth flexInt `json:"expiration_month"`
		ExpirationYear  flexInt `json:"expiration_year"`
	} `json:"credit_card"`
}

// flexString takes a JSON string or number (PayTrace sends ids and amounts
// as numbers; some clients' samples show them as strings) and keeps its
// literal text, so amounts are never passed through a float.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = flexString(n)
	}
	return nil
}

// flexInt takes a JSON number or a string of digits.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	if s == "" {
		*f = 0
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(s)))
	if err != nil {
		return errors.New("paytrace: not an integer code")
	}
	*f = flexInt(n)
	return nil
}

// parseResponse reads a PayTrace answer body. Any body that is not one JSON
// object is an error; it never panics (FuzzParseResponse).
func parseResponse(body []byte) (response, error) {
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return response{}, err
	}
	return r, nil
}
