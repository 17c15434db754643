package paytrace

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/money"
)

// paymentEntry is what the connector remembers of one authorization
// attempt. Its fields are written once, before done is closed.
type paymentEntry struct {
	done   chan struct{}
	result connector.Result
	err    error // a failure that certainly did not reach PayTrace's books
	// unknown: the answer was lost; only a status lookup can tell.
	unknown bool
}

func newPaymentEntry() *paymentEntry { return &paymentEntry{done: make(chan struct{})} }

// settled returns the entry's final state if the first attempt has ended.
func (e *paymentEntry) settled() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// Authorize implements connector.Connector with a keyed card:
// /v1/transactions/sale/keyed, or authorization/keyed without Capture.
// With Config.CustomerPerPayment the card is vaulted first as the
// customer named by the payment id and charged by_customer.
func (c *Connector) Authorize(ctx context.Context, req connector.AuthorizeRequest) (connector.Result, error) {
	amount, err := wireAmount(req.Amount)
	if err != nil {
		return connector.Result{}, err
	}
	if c.cfg.CustomerPerPayment {
		return c.authorizeAsCustomer(ctx, req, amount)
	}
	year := req.Card.ExpYear
	if year < 100 {
		year += 2000
	}
	body := map[string]any{
		"amount":      amount,
		"credit_card": map[string]any{"number": card.Normalize(req.Card.Number), "expiration_month": req.Card.ExpMonth, "expiration_year": year},
		"invoice_id":  req.PaymentID,
	}
	if req.Card.CVC != "" {
		body["csc"] = req.Card.CVC
	}
	if req.Card.Holder != "" {
		body["billing_address"] = map[string]any{"name": req.Card.Holder}
	}
	path := "/v1/transactions/authorization/keyed"
	if req.Capture {
		path = "/v1/transactions/sale/keyed"
	}
	return c.authorizeOnce(ctx, req.PaymentID, path, body, req.Capture, req.Amount.Minor, &cardData{cvc: req.Card.CVC}, nil)
}

// authorizeAsCustomer vaults the card as the customer req.PaymentID
// (customer/create; a vault keeps no CSC) and then charges that customer
// with the CSC, so the issuer still checks it. The customer is made by the
// first attempt only; an attempt repeated after a restart finds it made. A
// declined charge deletes its customer: no card is kept for a payment that
// can never be refunded.
func (c *Connector) authorizeAsCustomer(ctx context.Context, req connector.AuthorizeRequest, amount json.Number) (connector.Result, error) {
	customerID := req.PaymentID
	body := map[string]any{"amount": amount, "customer_id": customerID, "invoice_id": req.PaymentID}
	if req.Card.CVC != "" {
		body["csc"] = req.Card.CVC
	}
	path := "/v1/transactions/authorization/by_customer"
	if req.Capture {
		path = "/v1/transactions/sale/by_customer"
	}
	vault := func(ctx context.Context) error { return c.ensureCustomer(ctx, customerID, req.Card) }
	res, err := c.authorizeOnce(ctx, req.PaymentID, path, body, req.Capture, req.Amount.Minor, &cardData{cvc: req.Card.CVC}, vault)
	if err == nil && res.Outcome == connector.Declined {
		// Best effort: a customer left behind holds a card, not money.
		_ = c.DeleteCustomer(ctx, customerID)
	}
	return res, err
}

// ensureCustomer creates the customer, or finds it created by an earlier
// attempt: PayTrace refuses a taken customer id, with a code the reference
// does not give, so a refused create is followed by an export.
func (c *Connector) ensureCustomer(ctx context.Context, customerID string, cd connector.Card) error {
	err := c.CreateCustomer(ctx, customerID, cd)
	var ce *connector.Error
	if err == nil || !errors.As(err, &ce) || ce.Class != connector.InvalidRequest {
		return err
	}
	if _, xerr := c.ExportCustomer(ctx, customerID); xerr == nil {
		return nil
	}
	return err
}

// ProtectRequest is a sale or authorization paid with a Protect.js hosted
// fields token: the hpf_token and enc_key that instance.process() gave the
// payer's browser. The token is single use.
type ProtectRequest struct {
	PaymentID string
	Amount    money.Amount
	Capture   bool
	HPFToken  string
	EncKey    string
	Holder    string
}

// AuthorizeProtect charges (Capture) or authorizes a Protect.js token via
// /v1/transactions/sale/pt_protect or authorization/pt_protect. Repeats
// with the same PaymentID are answered like Authorize's.
func (c *Connector) AuthorizeProtect(ctx context.Context, req ProtectRequest) (connector.Result, error) {
	amount, err := wireAmount(req.Amount)
	if err != nil {
		return connector.Result{}, err
	}
	body := map[string]any{"amount": amount, "hpf_token": req.HPFToken, "enc_key": req.EncKey, "invoice_id": req.PaymentID}
	if req.Holder != "" {
		body["billing_address"] = map[string]any{"name": req.Holder}
	}
	path := "/v1/transactions/authorization/pt_protect"
	if req.Capture {
		path = "/v1/transactions/sale/pt_protect"
	}
	return c.authorizeOnce(ctx, req.PaymentID, path, body, req.Capture, req.Amount.Minor, nil, nil)
}

// CustomerPaymentRequest charges or authorizes a vaulted customer's card.
type CustomerPaymentRequest struct {
	PaymentID  string
	CustomerID string
	Amount     money.Amount
	Capture    bool
}

// AuthorizeCustomer charges (Capture) or authorizes a vaulted customer via
// /v1/transactions/sale/by_customer or authorization/by_customer.
func (c *Connector) AuthorizeCustomer(ctx context.Context, req CustomerPaymentRequest) (connector.Result, error) {
	amount, err := wireAmount(req.Amount)
	if err != nil {
		return connector.Result{}, err
	}
	body := map[string]any{"amount": amount, "customer_id": req.CustomerID, "invoice_id": req.PaymentID}
	path := "/v1/transactions/authorization/by_customer"
	if req.Capture {
		path = "/v1/transactions/sale/by_customer"
	}
	return c.authorizeOnce(ctx, req.PaymentID, path, body, req.Capture, req.Amount.Minor, nil, nil)
}

// authorizeOnce sends an authorization at most once per PaymentID (PayTrace
// v1 has no idempotency key). A repeat waits for the first attempt and
// gives its answer; if that answer was lost, it is looked up by invoice id.
func (c *Connector) authorizeOnce(ctx context.Context, paymentID, path string, body map[string]any, capture bool, amount int64, cd *cardData, prepare func(context.Context) error) (connector.Result, error) {
	if paymentID == "" {
		return connector.Result{}, &connector.Error{Class: connector.InvalidRequest, Code: "payment_id_required", Message: "a PayTrace authorization needs the payment id as its invoice id"}
	}
	e, first := c.payments.claim(paymentID, newPaymentEntry)
	if !first {
		return c.repeatAuthorize(ctx, paymentID, e)
	}
	var r response
	var err error
	if prepare != nil {
		err = prepare(ctx)
	}
	if err == nil {
		r, err = c.call(ctx, path, body)
	}
	var res connector.Result
	if err == nil {
		res, err = authorizeResult(r, capture, amount, cd)
	}
	switch {
	case err == nil:
		e.result = res
	case connector.OutcomeUnknown(err):
		e.unknown = true
	default:
		// Refused or never processed: nothing to remember, a retry may send.
		e.err = err
		c.payments.forget(paymentID, e)
	}
	close(e.done)
	return res, err
}

func (c *Connector) repeatAuthorize(ctx context.Context, paymentID string, e *paymentEntry) (connector.Result, error) {
	select {
	case <-e.done:
	case <-ctx.Done():
		return connector.Result{}, &connector.Error{Class: connector.Timeout, Code: "cancelled", Message: "gave up waiting for the first attempt with this payment id", Err: ctx.Err()}
	}
	switch {
	case e.err != nil:
		return connector.Result{}, e.err
	case !e.unknown:
		return e.result, nil
	}
	res, err := c.Status(ctx, connector.StatusRequest{PaymentID: paymentID})
	if err != nil {
		return connector.Result{}, err
	}
	if res.Outcome == connector.NotFound {
		// Not (yet) in PayTrace's export; sending again could charge twice.
		return connector.Result{}, &connector.Error{Class: connector.Timeout, Code: "outcome_unknown",
			Message: "an earlier attempt with this payment id has no known outcome; resolve it with Status"}
	}
	return res, nil
}

// EncryptedRequest is a sale or authorization with card data the payer's
// browser encrypted with the PayTrace account's public key (PayTrace's
// client-side encryption, reference §1.5): paygate never sees the number.
type EncryptedRequest struct {
	PaymentID         string
	Amount            money.Amount
	Capture           bool
	EncryptedNumber   string // credit_card.encrypted_number
	EncryptedCSC      string // encrypted_csc ([INF] in the reference)
	ExpMonth, ExpYear int
	Holder            string
}

// AuthorizeEncrypted sends an encrypted card to the keyed endpoints, which
// accept encrypted_number in place of number.
func (c *Connector) AuthorizeEncrypted(ctx context.Context, req EncryptedRequest) (connector.Result, error) {
	amount, err := wireAmount(req.Amount)
	if err != nil {
		return connector.Result{}, err
	}
	year := req.ExpYear
	if year < 100 {
		year += 2000
	}
	body := map[string]any{
		"amount":      amount,
		"credit_card": map[string]any{"encrypted_number": req.EncryptedNumber, "expiration_month": req.ExpMonth, "expiration_year": year},
		"invoice_id":  req.PaymentID,
	}
	if req.EncryptedCSC != "" {
		body["encrypted_csc"] = req.EncryptedCSC
	}
	if req.Holder != "" {
		body["billing_address"] = map[string]any{"name": req.Holder}
	}
	path := "/v1/transactions/authorization/keyed"
	if req.Capture {
		path = "/v1/transactions/sale/keyed"
	}
	return c.authorizeOnce(ctx, req.PaymentID, path, body, req.Capture, req.Amount.Minor, nil, nil)
}
