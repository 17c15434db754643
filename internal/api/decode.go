package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
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
		err = jsonError(err)
		var fe *fault.Error
		if errors.As(err, &fe) && fe.Code == "unknown_field" {
			// encoding/json names the field, not where it is.
			if path := unknownFieldPath(body, reflect.TypeOf(dst), fe.Param); path != "" {
				return fault.InvalidParam(path, "unknown_field", "unknown field %q", path)
			}
		}
		return err
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
	Number          string `json:"number"`
	ExpMonth        int    `json:"exp_month"`
	ExpYear         int    `json:"exp_year"`
	CVC             string `json:"cvc"`
	Holder          string `json:"holder"`
	EncryptedNumber string `json:"encrypted_number"`
	EncryptedCVC    string `json:"encrypted_cvc"`
}

func (c *cardRequest) input() *engine.CardInput {
	if c == nil {
		return nil
	}
	return &engine.CardInput{Number: c.Number, ExpMonth: c.ExpMonth, ExpYear: c.ExpYear, CVC: c.CVC, Holder: c.Holder,
		EncryptedNumber: c.EncryptedNumber, EncryptedCVC: c.EncryptedCVC}
}

// paymentMethodRequest is one of: {"type":"card","card":{…}},
// {"type":"token","token":"tok_…","key":"tk_…"} or
// {"type":"saved_card","id":"pm_…","cvc":"123"}.
type paymentMethodRequest struct {
	Type  string       `json:"type"`
	Card  *cardRequest `json:"card"`
	Token string       `json:"token"`
	Key   string       `json:"key"`
	ID    string       `json:"id"`
	CVC   string       `json:"cvc"`
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
	Initiator     string                `json:"initiator"`
	ReturnURL     string                `json:"return_url"`
	// NotificationURL also receives this payment's events.
	NotificationURL string `json:"notification_url"`
	// PGCode names the payment-method configuration to use.
	PGCode string `json:"pg_code"`
	// SavePaymentMethod false keeps a known customer's payment a guest payment.
	SavePaymentMethod *bool `json:"save_payment_method"`
	// Recurring: {"type":"initial"} stores a mandate; {"type":"repeated","mandate":"mdt_…"} charges one.
	Recurring *struct {
		Type    string `json:"type"`
		Mandate string `json:"mandate"`
	} `json:"recurring"`
}

// withoutCardData is the request as its idempotency fingerprint sees it: the
// CVC left out, the card number reduced to first six and last four.
func (c createPaymentRequest) withoutCardData() createPaymentRequest {
	if c.PaymentMethod != nil {
		pm := *c.PaymentMethod
		pm.CVC = ""
		if c.PaymentMethod.Card != nil {
			cd := *c.PaymentMethod.Card
			cd.CVC, cd.Number = "", card.Mask(cd.Number)
			// Ciphertexts are random per encryption: hash them instead.
			cd.EncryptedNumber, cd.EncryptedCVC = digest(cd.EncryptedNumber), ""
			pm.Card = &cd
		}
		c.PaymentMethod = &pm
	}
	return c
}

func digest(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

func (c *createPaymentRequest) check() error {
	switch {
	case c.Amount == nil:
		return fault.InvalidParam("amount", "parameter_missing", "amount is required (an integer in the currency's minor unit)")
	case c.Currency == nil:
		return fault.InvalidParam("currency", "parameter_missing", "currency is required (ISO 4217 code such as USD)")
	case c.Recurring != nil && c.Recurring.Type == "repeated" && c.PaymentMethod == nil:
		return nil // charged to the mandate's card
	case c.PaymentMethod == nil:
		return fault.InvalidParam("payment_method", "parameter_missing", "payment_method is required")
	}
	pm := c.PaymentMethod
	allowed := map[string][]bool{
		"card":       {pm.Card != nil, pm.Token == "" && pm.Key == "" && pm.ID == "" && pm.CVC == ""},
		"token":      {pm.Token != "", pm.Card == nil && pm.ID == "" && pm.CVC == ""},
		"saved_card": {pm.ID != "", pm.Card == nil && pm.Token == "" && pm.Key == ""},
	}
	rule, ok := allowed[pm.Type]
	switch {
	case !ok:
		return fault.InvalidParam("payment_method.type", "parameter_invalid", "payment_method.type must be card, token or saved_card")
	case !rule[0]:
		field := map[string]string{"card": "card", "token": "token", "saved_card": "id"}[pm.Type]
		return fault.InvalidParam("payment_method."+field, "parameter_missing", "payment_method.%s is required for type %s", field, pm.Type)
	case !rule[1]:
		return fault.InvalidParam("payment_method", "parameter_invalid", "payment_method of type %s takes only its own fields", pm.Type)
	}
	return nil
}

func (c *createPaymentRequest) input() engine.CreatePaymentInput {
	pm := c.PaymentMethod
	if pm == nil {
		pm = &paymentMethodRequest{}
	}
	in := engine.CreatePaymentInput{Amount: *c.Amount, Currency: *c.Currency, CaptureMethod: payment.CaptureMethod(c.Capture),
		Description: c.Description, Reference: c.Reference, Customer: c.Customer, Metadata: c.Metadata,
		Initiator: payment.Initiator(c.Initiator), ReturnURL: c.ReturnURL, NotificationURL: c.NotificationURL, Config: c.PGCode,
		Card: pm.Card.input(), Token: pm.Token, TokenKey: pm.Key, PaymentMethodID: pm.ID, CVC: pm.CVC}
	in.DoNotSave = c.SavePaymentMethod != nil && !*c.SavePaymentMethod
	if c.Recurring != nil {
		in.Recurring, in.MandateID = c.Recurring.Type, c.Recurring.Mandate
		if in.Recurring == "" {
			in.Recurring = "-" // named but empty: the engine answers which types exist
		}
	}
	return in
}

type captureRequest struct {
	Amount *int64 `json:"amount"`
}

type refundRequest struct {
	Amount   *int64            `json:"amount"`
	Reason   string            `json:"reason"`
	Metadata map[string]string `json:"metadata"`
}

// unknownFieldPath finds where in body a field called name sits that t
// does not have ("payment_method.card.bogus", "line_items[1].bogus"); ""
// if it cannot tell.
func unknownFieldPath(body []byte, t reflect.Type, name string) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return findUnknown(v, t, "", name)
}

func findUnknown(v any, t reflect.Type, at, name string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := v.(type) {
	case map[string]any:
		if t.Kind() == reflect.Map {
			for k, x := range v {
				if p := findUnknown(x, t.Elem(), join(at, k), name); p != "" {
					return p
				}
			}
			return ""
		}
		if t.Kind() != reflect.Struct {
			return ""
		}
		for k, x := range v {
			f, ok := jsonField(t, k)
			if !ok {
				if k == name {
					return join(at, k)
				}
				continue
			}
			if p := findUnknown(x, f.Type, join(at, k), name); p != "" {
				return p
			}
		}
	case []any:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return ""
		}
		for i, x := range v {
			if p := findUnknown(x, t.Elem(), fmt.Sprintf("%s[%d]", at, i), name); p != "" {
				return p
			}
		}
	}
	return ""
}

// jsonField is the field of struct t that the JSON key k fills, matched as
// encoding/json matches (exact tag or name first, then case-insensitively),
// looking into embedded structs.
func jsonField(t reflect.Type, k string) (reflect.StructField, bool) {
	var fold reflect.StructField
	found := false
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if g, ok := jsonField(et, k); ok {
					return g, true
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		n := tag
		if n == "" {
			n = f.Name
		}
		if n == k {
			return f, true
		}
		if !found && strings.EqualFold(n, k) {
			fold, found = f, true
		}
	}
	return fold, found
}

func join(at, k string) string {
	if at == "" {
		return k
	}
	return at + "." + k
}
