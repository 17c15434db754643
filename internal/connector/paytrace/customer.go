package paytrace

import (
	"context"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/money"
)

// Customer is a vaulted PayTrace customer as its export shows it: never
// more of the card than the masked number.
type Customer struct {
	ID           string
	MaskedNumber string
	ExpMonth     int
	ExpYear      int
}

// CreateCustomer vaults card under the merchant-chosen customerID
// (/v1/customer/create).
func (c *Connector) CreateCustomer(ctx context.Context, customerID string, cd connector.Card) error {
	year := cd.ExpYear
	if year < 100 {
		year += 2000
	}
	body := map[string]any{
		"customer_id": customerID,
		"credit_card": map[string]any{"number": card.Normalize(cd.Number), "expiration_month": cd.ExpMonth, "expiration_year": year},
	}
	if cd.Holder != "" {
		body["billing_address"] = map[string]any{"name": cd.Holder}
	}
	return c.customerCall(ctx, "/v1/customer/create", body, &cardData{cvc: cd.CVC})
}

// ExportCustomer reads a vaulted customer (/v1/customer/export).
func (c *Connector) ExportCustomer(ctx context.Context, customerID string) (Customer, error) {
	r, err := c.call(ctx, "/v1/customer/export", map[string]any{"customer_id": customerID})
	if err != nil {
		return Customer{}, err
	}
	if !r.Success || len(r.Customers) == 0 {
		return Customer{}, requestError(r, nil)
	}
	got := r.Customers[0]
	return Customer{ID: string(got.CustomerID), MaskedNumber: redact(got.CreditCard.MaskedNumber, nil),
		ExpMonth: int(got.CreditCard.ExpirationMonth), ExpYear: int(got.CreditCard.ExpirationYear)}, nil
}

// DeleteCustomer removes a vaulted customer (/v1/customer/delete).
func (c *Connector) DeleteCustomer(ctx context.Context, customerID string) error {
	return c.customerCall(ctx, "/v1/customer/delete", map[string]any{"customer_id": customerID}, nil)
}

func (c *Connector) customerCall(ctx context.Context, path string, body map[string]any, cd *cardData) error {
	r, err := c.call(ctx, path, body)
	if err != nil {
		return err
	}
	if !r.Success {
		return requestError(r, cd)
	}
	return nil
}

// RefundToCustomer credits amount to a vaulted customer
// (/v1/transactions/refund/to_customer): any amount, as often as needed,
// unrelated to an earlier sale. operationID is sent as invoice_id so
// Status finds the credit after a lost answer, and a repeat with the same
// operationID is not sent twice.
func (c *Connector) RefundToCustomer(ctx context.Context, customerID string, amount money.Amount, operationID string) (connector.Result, error) {
	a, err := wireAmount(amount)
	if err != nil {
		return connector.Result{}, err
	}
	body := map[string]any{"customer_id": customerID, "amount": a}
	if operationID == "" {
		r, err := c.call(ctx, "/v1/transactions/refund/to_customer", body)
		if err != nil {
			return connector.Result{}, err
		}
		return followUpResult(r)
	}
	body["invoice_id"] = operationID
	e, first := c.ops.claim(operationID, func() *opEntry { return &opEntry{kind: kindRefund, done: make(chan struct{})} })
	if !first {
		return c.repeatFollowUp(ctx, operationID, e)
	}
	r, err := c.call(ctx, "/v1/transactions/refund/to_customer", body)
	var res connector.Result
	if err == nil {
		res, err = followUpResult(r)
	}
	finishOp(c.ops, operationID, e, res, err)
	return res, err
}

// ClientKey creates a Protect.js clientKey for one payer's hosted fields
// (/v1/payment_fields/token/create).
func (c *Connector) ClientKey(ctx context.Context) (string, error) {
	r, err := c.call(ctx, "/v1/payment_fields/token/create", nil)
	if err != nil {
		return "", err
	}
	if r.ClientKey == "" {
		return "", requestError(r, nil)
	}
	return r.ClientKey, nil
}
