package stripe

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/paygate/paygate/internal/connector"
)

// Status implements connector.Connector. An authorization is read by
// ProcessorRef (GET /v1/payment_intents/{id}) or, without one, found by
// Stripe's search on metadata[paygate_payment_id]; NotFound then comes only
// from an empty search, which Stripe documents as eventually consistent (see
// docs/connectors/stripe.md). A follow-up (OperationID) is a refund whose
// metadata carries the id, a capture recorded in the PaymentIntent's
// metadata, or a cancel seen as the PaymentIntent's canceled state.
func (c *Connector) Status(ctx context.Context, req connector.StatusRequest) (connector.Result, error) {
	if err := c.checkMode(req.Live); err != nil {
		return connector.Result{}, err
	}
	pi, err := c.findIntent(ctx, req.PaymentID, req.ProcessorRef)
	if err != nil {
		return connector.Result{}, err
	}
	if pi == nil {
		return connector.Result{Outcome: connector.NotFound}, nil
	}
	if req.OperationID == "" {
		return intentResult(pi), nil
	}
	re, err := c.findRefund(ctx, pi.ID, req.OperationID)
	if err != nil {
		return connector.Result{}, err
	}
	switch {
	case re != nil:
		return refundResult(re), nil
	case pi.Metadata[metaCaptureOp] == req.OperationID:
		return c.followupResult(pi, "succeeded"), nil
	case pi.Status == "canceled" && pi.Metadata[metaCaptureOp] == "":
		return c.followupResult(pi, "canceled"), nil
	}
	return connector.Result{Outcome: connector.NotFound}, nil
}

func (c *Connector) followupResult(pi *paymentIntent, done string) connector.Result {
	if pi.Status == done {
		return connector.Result{Outcome: connector.Approved, ProcessorRef: pi.ID, Captured: done == "succeeded",
			AmountAuthorized: fromStripe(pi.AmountReceived, pi.Currency), RawCode: pi.Status}
	}
	return intentResult(pi)
}

// findIntent reads a PaymentIntent by id, or searches for it by payment id;
// nil, nil means Stripe does not know it.
func (c *Connector) findIntent(ctx context.Context, paymentID, ref string) (*paymentIntent, error) {
	if ref == "" {
		if paymentID == "" {
			return nil, nil
		}
		return c.searchIntent(ctx, paymentID)
	}
	r, err := c.do(ctx, http.MethodGet, "/v1/payment_intents/"+url.PathEscape(ref), nil, "")
	if err != nil {
		return nil, err
	}
	if r.status == http.StatusNotFound {
		return nil, nil
	}
	var pi paymentIntent
	if dec, err := parse(r, &pi); err != nil || dec != nil {
		return nil, unexpectedDecline(err)
	}
	return &pi, nil
}

// searchIntent finds the PaymentIntent created for paymentID.
func (c *Connector) searchIntent(ctx context.Context, paymentID string) (*paymentIntent, error) {
	q := url.Values{}
	q.Set("query", "metadata['"+metaPaymentID+"']:'"+searchEscape(paymentID)+"'")
	r, err := c.do(ctx, http.MethodGet, "/v1/payment_intents/search", q, "")
	if err != nil {
		return nil, err
	}
	var page list[paymentIntent]
	if dec, err := parse(r, &page); err != nil || dec != nil {
		return nil, unexpectedDecline(err)
	}
	if len(page.Data) == 0 {
		return nil, nil
	}
	// The idempotency key makes one PaymentIntent per payment; should there
	// be more (a key expired and the payment was sent again), prefer the
	// one that took money, then the one that holds it.
	best := &page.Data[0]
	for i := range page.Data {
		if rank(page.Data[i].Status) > rank(best.Status) {
			best = &page.Data[i]
		}
	}
	return best, nil
}

func rank(status string) int {
	switch status {
	case "succeeded":
		return 3
	case "requires_capture", "processing":
		return 2
	case "requires_action":
		return 1
	}
	return 0
}

// searchEscape escapes a value for a single-quoted search query string.
func searchEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
}

// findRefund lists the PaymentIntent's refunds for the one carrying the
// operation id in its metadata.
func (c *Connector) findRefund(ctx context.Context, intentID, operationID string) (*refund, error) {
	q := url.Values{}
	q.Set("payment_intent", intentID)
	q.Set("limit", "100")
	for page := 0; page < 20; page++ {
		r, err := c.do(ctx, http.MethodGet, "/v1/refunds", q, "")
		if err != nil {
			return nil, err
		}
		var l list[refund]
		if dec, err := parse(r, &l); err != nil || dec != nil {
			return nil, unexpectedDecline(err)
		}
		for i := range l.Data {
			if l.Data[i].Metadata[metaOperationID] == operationID {
				return &l.Data[i], nil
			}
		}
		if !l.HasMore || len(l.Data) == 0 {
			return nil, nil
		}
		q.Set("starting_after", l.Data[len(l.Data)-1].ID)
	}
	return nil, &connector.Error{Class: connector.Unavailable, Code: "too_many_refunds", Message: "too many refunds on one PaymentIntent to search"}
}

// unexpectedDecline turns a 402 on a read (which Stripe never sends) into an error.
func unexpectedDecline(err error) error {
	if err != nil {
		return err
	}
	return &connector.Error{Class: connector.Unavailable, Code: "unexpected_answer", Message: "Stripe answered a lookup with a card error"}
}
