package stripe

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/paygate/paygate/internal/connector"
)

// Capture implements connector.Connector: POST
// /v1/payment_intents/{id}/capture with amount_to_capture, the OperationID
// as Idempotency-Key and in the PaymentIntent's metadata.
func (c *Connector) Capture(ctx context.Context, req connector.CaptureRequest) (connector.Result, error) {
	if err := c.checkMode(req.Live); err != nil {
		return connector.Result{}, err
	}
	amount, _, err := toStripe(req.Amount)
	if err != nil {
		return connector.Result{}, err
	}
	ref, err := c.intentRef(ctx, req.PaymentID, req.ProcessorRef)
	if err != nil {
		return connector.Result{}, err
	}
	form := url.Values{}
	form.Set("amount_to_capture", strconv.FormatInt(amount, 10))
	setIf(form, "metadata["+metaCaptureOp+"]", req.OperationID)
	return c.postIntent(ctx, "/v1/payment_intents/"+url.PathEscape(ref)+"/capture", form, req.OperationID, "succeeded")
}

// Void implements connector.Connector: POST /v1/payment_intents/{id}/cancel.
func (c *Connector) Void(ctx context.Context, req connector.VoidRequest) (connector.Result, error) {
	if err := c.checkMode(req.Live); err != nil {
		return connector.Result{}, err
	}
	ref, err := c.intentRef(ctx, req.PaymentID, req.ProcessorRef)
	if err != nil {
		return connector.Result{}, err
	}
	return c.postIntent(ctx, "/v1/payment_intents/"+url.PathEscape(ref)+"/cancel", url.Values{}, req.OperationID, "canceled")
}

// postIntent sends a follow-up on a PaymentIntent and reads the answer:
// the status the follow-up aims at is Approved, anything else is mapped by
// intentResult (for a capture answered "processing", Pending).
func (c *Connector) postIntent(ctx context.Context, path string, form url.Values, idemKey, done string) (connector.Result, error) {
	r, err := c.do(ctx, http.MethodPost, path, form, idemKey)
	if err != nil {
		return connector.Result{}, err
	}
	var pi paymentIntent
	if dec, err := parse(r, &pi); dec != nil || err != nil {
		return deref(dec), err
	}
	if pi.Status == done {
		return connector.Result{Outcome: connector.Approved, ProcessorRef: pi.ID, Captured: done == "succeeded",
			AmountAuthorized: fromStripe(pi.AmountReceived, pi.Currency), RawCode: pi.Status}, nil
	}
	return intentResult(&pi), nil
}

// stripeRefundReasons are the reasons Stripe's refund API takes; any other
// reason travels in metadata.
var stripeRefundReasons = map[string]bool{"duplicate": true, "fraudulent": true, "requested_by_customer": true}

// Refund implements connector.Connector: POST /v1/refunds with
// payment_intent, amount, metadata[paygate_operation_id] and the
// OperationID as Idempotency-Key.
func (c *Connector) Refund(ctx context.Context, req connector.RefundRequest) (connector.Result, error) {
	if err := c.checkMode(req.Live); err != nil {
		return connector.Result{}, err
	}
	amount, _, err := toStripe(req.Amount)
	if err != nil {
		return connector.Result{}, err
	}
	ref, err := c.intentRef(ctx, req.PaymentID, req.ProcessorRef)
	if err != nil {
		return connector.Result{}, err
	}
	form := url.Values{}
	form.Set("payment_intent", ref)
	form.Set("amount", strconv.FormatInt(amount, 10))
	setIf(form, "metadata["+metaOperationID+"]", req.OperationID)
	setIf(form, "metadata["+metaPaymentID+"]", req.PaymentID)
	if stripeRefundReasons[req.Reason] {
		form.Set("reason", req.Reason)
	} else if req.Reason != "" {
		form.Set("metadata[paygate_reason]", scrub(req.Reason))
	}
	r, err := c.do(ctx, http.MethodPost, "/v1/refunds", form, req.OperationID)
	if err != nil {
		return connector.Result{}, err
	}
	var re refund
	if dec, err := parse(r, &re); dec != nil || err != nil {
		return deref(dec), err
	}
	return refundResult(&re), nil
}

// Payout implements connector.Connector. Stripe payouts move the
// merchant's own balance to the merchant's own bank account; paying a
// third party's card or account needs Stripe Connect, which this
// connector does not use, so every payout is refused before any call.
func (c *Connector) Payout(ctx context.Context, req connector.PayoutRequest) (connector.Result, error) {
	return connector.Result{}, invalid("operation_unsupported", "the Stripe connector does not send payouts")
}

// intentRef returns the PaymentIntent id: the ProcessorRef, or else the one
// Stripe's search finds by PaymentID (eventually consistent: right after
// the authorization it may not be found yet).
func (c *Connector) intentRef(ctx context.Context, paymentID, ref string) (string, error) {
	if ref != "" {
		return ref, nil
	}
	if paymentID == "" {
		return "", invalid("processor_ref_required", "a ProcessorRef or PaymentID is required")
	}
	pi, err := c.searchIntent(ctx, paymentID)
	if err != nil {
		return "", err
	}
	if pi == nil {
		return "", invalid("no_such_payment", "Stripe's search finds no PaymentIntent for this payment (yet)")
	}
	return pi.ID, nil
}
