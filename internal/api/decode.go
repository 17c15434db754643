package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/fault"
)

// readRaw reads a body within the limit, whatever its media type.
func readRaw(r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &fault.Error{Kind: fault.Invalid, Code: "body_too_large", Message: fmt.Sprintf("the request body exceeds %d bytes", limit)}
		}
		return nil, fault.New(fault.Invalid, "invalid_body", "the request body could not be read")
	}
	return body, nil
}

// readBody reads a POST body within the limit and checks its media type.
// An empty body is allowed when emptyOK (capture, void, refund all-remaining).
func readBody(r *http.Request, limit int64, emptyOK bool) ([]byte, error) {
	body, err := readRaw(r, limit)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if emptyOK {
			return nil, nil
		}
		return nil, fault.New(fault.Invalid, "invalid_json", "the request body is empty; send a JSON object")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return nil, &fault.Error{Kind: fault.Invalid, Code: "unsupported_media_type", Param: "Content-Type",
				Message: "send the body as application/json"}
		}
	} else {
		return nil, &fault.Error{Kind: fault.Invalid, Code: "unsupported_media_type", Param: "Content-Type",
			Message: "the Content-Type header is missing; send application/json"}
	}
	return body, nil
}

// decodeJSON decodes one JSON object into dst, refusing unknown fields, wrong
// types, trailing data and a null body, each as a 400 naming what is wrong.
func decodeJSON(body []byte, dst any) error {
	if body == nil {
		return nil
	}
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return fault.New(fault.Invalid, "invalid_json", "the request body must be a JSON object, not null")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fault.New(fault.Invalid, "invalid_json", "unexpected data after the JSON object")
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fault.New(fault.Invalid, "invalid_json", "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		param := typ.Field
		if param == "" {
			return fault.New(fault.Invalid, "invalid_json", "the request body must be a JSON object")
		}
		return fault.InvalidParam(param, "invalid_type", "%s must be %s, not %s", param, jsonType(typ.Type.String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fault.New(fault.Invalid, "invalid_json", "the JSON body ends too early")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return fault.InvalidParam(name, "unknown_field", "unknown field %q", name)
	}
	return fault.New(fault.Invalid, "invalid_json", "the request body is not valid JSON: %s", err.Error())
}

func jsonType(goType string) string {
	switch {
	case strings.Contains(goType, "int"):
		return "an integer"
	case strings.Contains(goType, "string") && strings.HasPrefix(goType, "map"):
		return "an object of strings"
	case strings.Contains(goType, "string"):
		return "a string"
	case strings.Contains(goType, "bool"):
		return "a boolean"
	}
	return "an object"
}

// Requests.

type cardRequest struct {
	Number   string `json:"number"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
	CVC      string `json:"cvc"`
	Holder   string `json:"holder"`
}

type paymentMethodRequest struct {
	Type string       `json:"type"`
	Card *cardRequest `json:"card"`
}

type createPaymentRequest struct {
	Amount        *int64                `json:"amount"`
	Currency      *string               `json:"currency"`
	Capture       string                `json:"capture"`
	PaymentMethod *paymentMethodRequest `json:"payment_method"`
	Description   string                `json:"description"`
	Reference     string                `json:"reference"`
	Customer      string                `json:"customer"`
	Metadata      map[string]string     `json:"metadata"`
}

// withoutCardData is the request as its idempotency fingerprint sees it: the
// CVC left out, the card number reduced to first six and last four.
func (c createPaymentRequest) withoutCardData() createPaymentRequest {
	if c.PaymentMethod != nil && c.PaymentMethod.Card != nil {
		pm, cd := *c.PaymentMethod, *c.PaymentMethod.Card
		cd.CVC, cd.Number = "", card.Mask(cd.Number)
		pm.Card = &cd
		c.PaymentMethod = &pm
	}
	return c
}

func (c *createPaymentRequest) check() error {
	switch {
	case c.Amount == nil:
		return fault.InvalidParam("amount", "parameter_missing", "amount is required (an integer in the currency's minor unit)")
	case c.Currency == nil:
		return fault.InvalidParam("currency", "parameter_missing", "currency is required (ISO 4217 code such as USD)")
	case c.PaymentMethod == nil:
		return fault.InvalidParam("payment_method", "parameter_missing", "payment_method is required")
	case c.PaymentMethod.Type != "card":
		return fault.InvalidParam("payment_method.type", "parameter_invalid", "payment_method.type must be card")
	}
	return nil
}

type captureRequest struct {
	Amount *int64 `json:"amount"`
}

type refundRequest struct {
	Amount   *int64            `json:"amount"`
	Reason   string            `json:"reason"`
	Metadata map[string]string `json:"metadata"`
}
