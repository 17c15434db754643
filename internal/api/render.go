package api

import (
	"encoding/json"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// Wire shapes of docs/api.md. Every object starts with "id" (see isObject).

type cardJSON struct {
	Brand       string  `json:"brand"`
	First6      string  `json:"first6"`
	Last4       string  `json:"last4"`
	ExpMonth    int     `json:"exp_month"`
	ExpYear     int     `json:"exp_year"`
	Holder      *string `json:"holder"`
	Fingerprint *string `json:"fingerprint"`
}

type paymentMethodJSON struct {
	Type string `json:"type"`
	// ID is the vault record charged or saved: a single-use token (tok_…)
	// or a customer's saved card (pm_…).
	ID   *string  `json:"id"`
	Card cardJSON `json:"card"`
}

type threeDSJSON struct {
	Version        string  `json:"version"`
	TransStatus    string  `json:"trans_status"`
	ECI            *string `json:"eci"`
	Flow           string  `json:"flow"`
	LiabilityShift bool    `json:"liability_shift"`
	// AuthenticationValue says whether a CAVV was received; the value is
	// kept sealed in the vault and never returned.
	AuthenticationValue bool `json:"authentication_value_present"`
}

type nextActionJSON struct {
	Type        string `json:"type"`
	RedirectURL string `json:"redirect_url"`
}

type paymentJSON struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	Mode               string            `json:"mode"`
	Status             string            `json:"status"`
	Amount             int64             `json:"amount"`
	Currency           string            `json:"currency"`
	Capture            string            `json:"capture"`
	AmountAuthorized   int64             `json:"amount_authorized"`
	AmountCaptured     int64             `json:"amount_captured"`
	AmountRefunded     int64             `json:"amount_refunded"`
	AmountRefundable   int64             `json:"amount_refundable"`
	PaymentMethod      paymentMethodJSON `json:"payment_method"`
	Description        *string           `json:"description"`
	Reference          *string           `json:"reference"`
	Customer           *string           `json:"customer"`
	Metadata           map[string]string `json:"metadata"`
	Processor          string            `json:"processor"`
	ProcessorReference *string           `json:"processor_reference"`
	FailureCode        *string           `json:"failure_code"`
	FailureMessage     *string           `json:"failure_message"`
	NextAction         *nextActionJSON   `json:"next_action"`
	Initiator          string            `json:"initiator"`
	Mandate            *string           `json:"mandate"`
	NotificationURL    *string           `json:"notification_url"`
	PGCode             *string           `json:"pg_code"`
	ThreeDSecure       *threeDSJSON      `json:"three_d_secure"`
	ReturnURL          *string           `json:"return_url"`
	CreatedAt          string            `json:"created_at"`
	UpdatedAt          string            `json:"updated_at"`
	Operations         []operationJSON   `json:"operations,omitempty"`
}

type operationJSON struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	Payment            string            `json:"payment"`
	Type               string            `json:"type"`
	Status             string            `json:"status"`
	Amount             int64             `json:"amount"`
	Currency           string            `json:"currency"`
	Reason             *string           `json:"reason"`
	Metadata           map[string]string `json:"metadata"`
	ProcessorReference *string           `json:"processor_reference"`
	FailureCode        *string           `json:"failure_code"`
	FailureMessage     *string           `json:"failure_message"`
	CreatedAt          string            `json:"created_at"`
}

type amountJSON struct {
	Currency string `json:"currency"`
	Amount   int64  `json:"amount"`
}

type balanceJSON struct {
	Object    string       `json:"object"`
	Mode      string       `json:"mode"`
	Available []amountJSON `json:"available"`
	Held      []amountJSON `json:"held"`
}

type listJSON struct {
	Object     string        `json:"object"`
	Data       []paymentJSON `json:"data"`
	HasMore    bool          `json:"has_more"`
	NextCursor *string       `json:"next_cursor"`
}

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func meta(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func paymentView(p *payment.Payment, ops []*payment.Operation) paymentJSON {
	v := paymentJSON{
		ID: p.ID, Object: "payment", Mode: string(p.Mode), Status: string(p.Status), Amount: p.Amount, Currency: p.Currency.Code,
		Capture: string(p.CaptureMethod), AmountAuthorized: p.Authorized, AmountCaptured: p.Captured, AmountRefunded: p.Refunded,
		AmountRefundable: max(p.Refundable(), 0),
		PaymentMethod: paymentMethodJSON{Type: "card", ID: opt(p.PaymentMethod), Card: cardJSON{Brand: p.Card.Brand, First6: p.Card.First6, Last4: p.Card.Last4,
			ExpMonth: p.Card.ExpMonth, ExpYear: p.Card.ExpYear, Holder: opt(p.Card.Holder), Fingerprint: opt(p.Card.Fingerprint)}},
		Description: opt(p.Description), Reference: opt(p.Reference), Customer: opt(p.Customer), Metadata: meta(p.Metadata),
		Processor: p.Connector, ProcessorReference: opt(p.ProcessorRef), FailureCode: opt(p.FailureCode), FailureMessage: opt(p.FailureMessage),
		CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt), Initiator: string(p.Initiator), ReturnURL: opt(p.ReturnURL), Mandate: opt(p.Mandate), NotificationURL: opt(p.NotificationURL), PGCode: opt(p.Config),
	}
	if v.Initiator == "" {
		v.Initiator = string(payment.CustomerInitiated)
	}
	if t := p.ThreeDS; t != nil {
		v.ThreeDSecure = &threeDSJSON{Version: t.Version, TransStatus: t.TransStatus, ECI: opt(t.ECI), Flow: t.Flow,
			LiabilityShift: t.LiabilityShift, AuthenticationValue: t.SealedAuthValue != ""}
	}
	if p.NextAction != nil {
		v.NextAction = &nextActionJSON{Type: p.NextAction.Type, RedirectURL: p.NextAction.RedirectURL}
	}
	if ops != nil {
		v.Operations = make([]operationJSON, 0, len(ops))
		for _, op := range ops {
			v.Operations = append(v.Operations, operationView(op, "operation"))
		}
	}
	return v
}

func operationView(op *payment.Operation, object string) operationJSON {
	return operationJSON{ID: op.ID, Object: object, Payment: op.PaymentID, Type: string(op.Kind), Status: string(op.Status),
		Amount: op.Amount, Currency: op.Currency, Reason: opt(op.Reason), Metadata: meta(op.Metadata),
		ProcessorReference: opt(op.ProcessorRef), FailureCode: opt(op.FailureCode), FailureMessage: opt(op.FailureMessage),
		CreatedAt: ts(op.CreatedAt)}
}

func balanceView(mode payment.Mode, bs []engine.CurrencyBalance) balanceJSON {
	v := balanceJSON{Object: "balance", Mode: string(mode), Available: []amountJSON{}, Held: []amountJSON{}}
	for _, b := range bs {
		v.Available = append(v.Available, amountJSON{Currency: b.Currency, Amount: b.Available})
		v.Held = append(v.Held, amountJSON{Currency: b.Currency, Amount: b.Held})
	}
	return v
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own wire structs are marshalled
	}
	return b
}

// paymentStatus is the HTTP status of a payment answer: 402 for a declined
// creation, 202 while the outcome is still unknown, else ok.
func paymentStatus(p *payment.Payment, ok int) int {
	switch p.Status {
	case payment.Failed:
		return 402
	case payment.Processing:
		return 202
	}
	return ok
}
