package stripe

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/connector"
)

// Metadata keys paygate sets on Stripe objects, for status lookups.
const (
	metaPaymentID   = "paygate_payment_id"
	metaOperationID = "paygate_operation_id"
	// metaCaptureOp is set on the PaymentIntent by a capture (Stripe's
	// capture takes metadata; its cancel does not).
	metaCaptureOp = "paygate_capture_operation_id"
)

// Authorize implements connector.Connector: it creates and confirms a
// PaymentIntent in one call, with the PaymentID as Idempotency-Key so a
// repeat answers what the first call answered.
func (c *Connector) Authorize(ctx context.Context, req connector.AuthorizeRequest) (connector.Result, error) {
	if err := c.checkMode(req.Live); err != nil {
		return connector.Result{}, err
	}
	if req.PaymentID == "" {
		return connector.Result{}, invalid("payment_id_required", "a payment id is required (it is the idempotency key)")
	}
	amount, currency, err := toStripe(req.Amount)
	if err != nil {
		return connector.Result{}, err
	}
	form := url.Values{}
	form.Set("amount", strconv.FormatInt(amount, 10))
	form.Set("currency", currency)
	form.Set("confirm", "true")
	form.Set("capture_method", "manual")
	if req.Capture {
		form.Set("capture_method", "automatic")
	}
	// Cards only: without this, accounts with automatic payment methods
	// make confirm=true require a return_url for redirect-based methods.
	form.Set("payment_method_types[]", "card")
	form.Set("metadata["+metaPaymentID+"]", req.PaymentID)
	setIf(form, "metadata[paygate_merchant_id]", req.MerchantID)
	setIf(form, "metadata[paygate_reference]", req.Reference)
	setIf(form, "metadata[paygate_customer]", req.Customer)
	setIf(form, "description", req.Description)
	setIf(form, "return_url", req.ReturnURL)
	if req.MerchantInitiated {
		form.Set("off_session", "true")
	}
	setCard(form, req.Card, req.MerchantInitiated)
	r, err := c.do(ctx, http.MethodPost, "/v1/payment_intents", form, req.PaymentID)
	if err != nil {
		return connector.Result{}, err
	}
	var pi paymentIntent
	if dec, err := parse(r, &pi); dec != nil || err != nil {
		return deref(dec), err
	}
	return intentResult(&pi), nil
}

// setCard adds the payment method: a Stripe PaymentMethod id when the card
// number field carries one ("pm_…", paygate's convention for tokenized
// cards), else the raw card data (Stripe allows it for accounts with raw
// card data access). A merchant-initiated payment sends no CVC.
func setCard(form url.Values, c connector.Card, mit bool) {
	if strings.HasPrefix(c.Number, "pm_") {
		form.Set("payment_method", c.Number)
		return
	}
	form.Set("payment_method_data[type]", "card")
	form.Set("payment_method_data[card][number]", card.Normalize(c.Number))
	form.Set("payment_method_data[card][exp_month]", strconv.Itoa(c.ExpMonth))
	form.Set("payment_method_data[card][exp_year]", strconv.Itoa(c.ExpYear))
	if c.CVC != "" && !mit {
		form.Set("payment_method_data[card][cvc]", c.CVC)
	}
	setIf(form, "payment_method_data[billing_details][name]", c.Holder)
}

func setIf(form url.Values, key, value string) {
	if value != "" {
		form.Set(key, value)
	}
}

func deref(r *connector.Result) connector.Result {
	if r == nil {
		return connector.Result{}
	}
	return *r
}
