package paytrace

import (
	"context"
	"strconv"

	"github.com/paygate/paygate/internal/connector"
)

// Kinds of follow-up operation, remembered by operation id.
const (
	kindCapture = "capture"
	kindVoid    = "void"
	kindRefund  = "refund"
)

// opEntry is what the connector remembers of one capture, void or refund.
// kind and ref are set when it is claimed; the rest before done is closed.
type opEntry struct {
	kind, ref string
	done      chan struct{}
	result    connector.Result
	err       error
	unknown   bool
}

// Capture implements connector.Connector: /v1/transactions/authorization/capture
// with the amount (PayTrace refuses more than authorized, or a second capture).
func (c *Connector) Capture(ctx context.Context, req connector.CaptureRequest) (connector.Result, error) {
	amount, err := wireAmount(req.Amount)
	if err != nil {
		return connector.Result{}, err
	}
	ref, err := c.transactionRef(ctx, req.PaymentID, req.ProcessorRef)
	if err != nil {
		return connector.Result{}, err
	}
	return c.followUp(ctx, kindCapture, req.OperationID, ref, "/v1/transactions/authorization/capture", map[string]any{"amount": amount})
}

// Void implements connector.Connector: /v1/transactions/void (unsettled,
// uncaptured authorizations only).
func (c *Connector) Void(ctx context.Context, req connector.VoidRequest) (connector.Result, error) {
	ref, err := c.transactionRef(ctx, req.PaymentID, req.ProcessorRef)
	if err != nil {
		return connector.Result{}, err
	}
	res, err := c.followUp(ctx, kindVoid, req.OperationID, ref, "/v1/transactions/void", map[string]any{})
	if err == nil && res.Outcome == connector.Approved && c.cfg.CustomerPerPayment && req.PaymentID != "" {
		// A voided authorization can never be refunded: its customer (named
		// by the payment, Config.CustomerPerPayment) keeps a card for
		// nothing. Best effort, like a declined payment's.
		_ = c.DeleteCustomer(ctx, req.PaymentID)
	}
	return res, err
}

// RefundFull refunds a captured transaction in full: for_transaction
// without an amount, which PayTrace accepts once and only before any
// partial refund.
func (c *Connector) RefundFull(ctx context.Context, processorRef, operationID string) (connector.Result, error) {
	body := map[string]any{}
	if operationID != "" {
		body["invoice_id"] = operationID
	}
	return c.followUp(ctx, kindRefund, operationID, processorRef, "/v1/transactions/refund/for_transaction", body)
}

// followUp sends one capture, void or refund on transaction ref, at most
// once per operation id: a repeat gets the first answer, or a status
// lookup when that answer was lost.
func (c *Connector) followUp(ctx context.Context, kind, opID, ref, path string, body map[string]any) (connector.Result, error) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		return connector.Result{}, &connector.Error{Class: connector.InvalidRequest, Code: "processor_ref_invalid", Message: "not a PayTrace transaction id"}
	}
	body["transaction_id"] = id
	var e *opEntry
	if opID != "" {
		var first bool
		e, first = c.ops.claim(opID, func() *opEntry { return &opEntry{kind: kind, ref: ref, done: make(chan struct{})} })
		if !first {
			return c.repeatFollowUp(ctx, opID, e)
		}
	}
	r, err := c.call(ctx, path, body)
	var res connector.Result
	if err == nil {
		res, err = followUpResult(r)
	}
	if e != nil {
		finishOp(c.ops, opID, e, res, err)
	}
	return res, err
}

// finishOp records how the first attempt of an operation ended.
func finishOp(ops *record[opEntry], opID string, e *opEntry, res connector.Result, err error) {
	switch {
	case err == nil:
		e.result = res
	case connector.OutcomeUnknown(err):
		e.unknown = true
	default:
		// Refused or never processed: nothing to remember, a retry may send.
		e.err = err
		ops.forget(opID, e)
	}
	close(e.done)
}

func (c *Connector) repeatFollowUp(ctx context.Context, opID string, e *opEntry) (connector.Result, error) {
	select {
	case <-e.done:
	case <-ctx.Done():
		return connector.Result{}, &connector.Error{Class: connector.Timeout, Code: "cancelled", Message: "gave up waiting for the first attempt with this operation id", Err: ctx.Err()}
	}
	switch {
	case e.err != nil:
		return connector.Result{}, e.err
	case !e.unknown:
		return e.result, nil
	}
	res, err := c.Status(ctx, connector.StatusRequest{OperationID: opID, ProcessorRef: e.ref})
	if err == nil && res.Outcome == connector.NotFound {
		return connector.Result{}, &connector.Error{Class: connector.Timeout, Code: "outcome_unknown",
			Message: "an earlier attempt with this operation id has no known outcome; resolve it with Status"}
	}
	return res, err
}

// transactionRef is the PayTrace transaction id of a payment: the given
// ProcessorRef, else the one remembered or found for PaymentID.
func (c *Connector) transactionRef(ctx context.Context, paymentID, ref string) (string, error) {
	if ref != "" {
		return ref, nil
	}
	if paymentID == "" {
		return "", &connector.Error{Class: connector.InvalidRequest, Code: "processor_ref_required", Message: "a PayTrace follow-up needs the transaction id or the payment id"}
	}
	if e := c.payments.get(paymentID); e != nil && e.settled() && e.result.ProcessorRef != "" {
		return e.result.ProcessorRef, nil
	}
	t, err := c.findByInvoice(ctx, paymentID, authorizationTypes)
	if err != nil {
		return "", err
	}
	if t == nil {
		return "", &connector.Error{Class: connector.InvalidRequest, Code: "no_such_payment", Message: "PayTrace has no transaction for this payment"}
	}
	return string(t.TransactionID), nil
}
