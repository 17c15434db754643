package smartpay

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// Wire shapes. Amounts are JSON numbers written from minor units by the
// currency's exponent (10.99), never through a float.

type createdJSON struct {
	TransactionID string `json:"transactionId"`
	CheckoutToken string `json:"checkoutToken"`
	PaymentStatus string `json:"paymentStatus"`
	RequestTime   string `json:"requestTime"`
}

type overviewJSON struct {
	Amount         json.Number `json:"amount"`
	CurrencyCode   string      `json:"currencyCode"`
	Mit            bool        `json:"mit"`
	TransactionID  string      `json:"transactionId"`
	PaymentMethod  string      `json:"paymentMethod,omitempty"`
	AmountCaptured json.Number `json:"capturedAmount"`
	AmountRefunded json.Number `json:"refundedAmount"`
}

type modificationJSON struct {
	ModificationID     string      `json:"modificationId"`
	ModificationType   string      `json:"modificationType"`
	ModificationStatus string      `json:"modificationStatus"`
	Amount             json.Number `json:"amount"`
	CurrencyCode       string      `json:"currencyCode"`
	Description        string      `json:"description,omitempty"`
	CreationDate       string      `json:"creationDate"`
	LastStatusDate     string      `json:"lastStatusDate"`
}

type statusJSON struct {
	TransactionID             string             `json:"transactionId"`
	ReconciliationReferenceID string             `json:"reconciliationReferenceId,omitempty"`
	PartnerReference          string             `json:"partnerReference,omitempty"`
	Description               string             `json:"description"`
	PaymentStatus             string             `json:"paymentStatus"`
	CreationDate              string             `json:"creationDate"`
	LastStatusDate            string             `json:"lastStatusDate"`
	TransactionOverview       overviewJSON       `json:"transactionOverview"`
	Modifications             []modificationJSON `json:"modifications"`
}

type modificationAnswerJSON struct {
	TransactionID             string       `json:"transactionId"`
	ModificationID            string       `json:"modificationId"`
	ModificationType          string       `json:"modificationType"`
	ModificationStatus        string       `json:"modificationStatus"`
	PaymentStatus             string       `json:"paymentStatus"`
	ReconciliationReferenceID string       `json:"reconciliationReferenceId,omitempty"`
	TransactionOverview       overviewJSON `json:"transactionOverview"`
	RequestTime               string       `json:"requestTime"`
}

// stamp is SmartPay's timestamp: UTC with milliseconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func decimal(minor int64, cur money.Currency) json.Number {
	return json.Number(money.Format(minor, cur))
}

// modKeyPrefix prefixes the engine idempotency key derived from a
// modificationId; the key stays on the operation, so the modification
// keeps its id in the status answer for ever.
const modKeyPrefix = "smartpay:mod:"

func modificationKey(modificationID string) string { return modKeyPrefix + modificationID }

// modificationID is the SmartPay id of an operation: its modificationId,
// or the paygate operation id when it was made elsewhere (native API, dashboard).
func modificationID(op *payment.Operation) string {
	if id, ok := strings.CutPrefix(op.IdempotencyKey, modKeyPrefix); ok {
		return id
	}
	return op.ID
}

func overview(s *checkout.Session, p *payment.Payment) overviewJSON {
	o := overviewJSON{Amount: decimal(s.Amount, s.Currency), CurrencyCode: s.Currency.Code, TransactionID: TransactionID(s.ID),
		AmountCaptured: decimal(0, s.Currency), AmountRefunded: decimal(0, s.Currency)}
	if p != nil {
		o.Mit = p.Initiator == payment.MerchantInitiated
		if p.Card.Last4 != "" || p.PaymentMethod != "" {
			o.PaymentMethod = "CARDS"
		}
		o.AmountCaptured, o.AmountRefunded = decimal(p.Captured, p.Currency), decimal(p.Refunded, p.Currency)
	}
	return o
}

// statusView is the Get Payment Status answer.
func statusView(s *checkout.Session, p *payment.Payment, ops []*payment.Operation, now time.Time, settleAfter time.Duration) statusJSON {
	v := statusJSON{TransactionID: TransactionID(s.ID), PartnerReference: s.Reference, Description: s.Description,
		PaymentStatus: statusOf(s, p, ops, now, settleAfter), CreationDate: stamp(s.CreatedAt),
		TransactionOverview: overview(s, p), Modifications: []modificationJSON{}}
	last := s.UpdatedAt
	if p != nil {
		v.ReconciliationReferenceID = p.ID
		if p.UpdatedAt.After(last) {
			last = p.UpdatedAt
		}
	}
	for _, op := range ops {
		if op.UpdatedAt.After(last) {
			last = op.UpdatedAt
		}
		typ, ok := modificationTypes[op.Kind]
		if !ok {
			continue
		}
		v.Modifications = append(v.Modifications, modificationJSON{ModificationID: modificationID(op), ModificationType: typ,
			ModificationStatus: modificationStatuses[op.Status], Amount: decimal(op.Amount, s.Currency), CurrencyCode: s.Currency.Code,
			Description: op.Reason, CreationDate: stamp(op.CreatedAt), LastStatusDate: stamp(op.UpdatedAt)})
	}
	v.LastStatusDate = stamp(last)
	return v
}

func marshal(v any) []byte {
	b, _ := json.MarshalIndent(v, "", "  ")
	return append(b, '\n')
}
