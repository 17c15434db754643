package paytrace

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/connector"
)

// Transaction types in PayTrace's export (paygate's assumption).
var (
	authorizationTypes = []string{"Sale", "Authorization"}
	refundTypes        = []string{"Refund"}
)

// exportDate is the MM/DD/YYYY form of export/by_date_range's dates.
const exportDate = "01/02/2006"

// Status implements connector.Connector. An authorization is found by
// ProcessorRef (export/by_id) or by its invoice_id = PaymentID in
// export/by_date_range; a follow-up as operationStatus describes.
func (c *Connector) Status(ctx context.Context, req connector.StatusRequest) (connector.Result, error) {
	if req.OperationID != "" {
		return c.operationStatus(ctx, req)
	}
	t, err := c.findPayment(ctx, req.PaymentID, req.ProcessorRef)
	if err != nil || t == nil {
		return connector.Result{Outcome: connector.NotFound}, err
	}
	return transactionResult(*t), nil
}

// findPayment is the authorization's exported transaction, or nil.
func (c *Connector) findPayment(ctx context.Context, paymentID, ref string) (*exportedTransaction, error) {
	if ref == "" && paymentID != "" {
		if e := c.payments.get(paymentID); e != nil && e.settled() && e.err == nil && !e.unknown {
			ref = e.result.ProcessorRef
		}
	}
	if ref != "" {
		return c.exportByID(ctx, ref)
	}
	return c.findByInvoice(ctx, paymentID, authorizationTypes)
}

// operationStatus finds a capture, void or refund by its operation id. A
// refund carries it as invoice_id; a capture or void has no such field at
// PayTrace, so the connector's own record says which transaction it acted
// on and the transaction's state says whether it happened. Without a
// record (another process sent it), a capture or void can be ruled out
// only when the transaction shows none; otherwise the answer is unknown.
func (c *Connector) operationStatus(ctx context.Context, req connector.StatusRequest) (connector.Result, error) {
	e := c.ops.get(req.OperationID)
	if e != nil && opSettled(e) && e.err == nil && !e.unknown {
		return e.result, nil
	}
	if e == nil || e.kind == kindRefund {
		t, err := c.findByInvoice(ctx, req.OperationID, refundTypes)
		if err != nil {
			return connector.Result{}, err
		}
		if t != nil {
			return transactionResult(*t), nil
		}
		if e != nil {
			return connector.Result{Outcome: connector.NotFound}, nil
		}
	}
	ref := req.ProcessorRef
	if e != nil {
		ref = e.ref
	}
	t, err := c.findPayment(ctx, req.PaymentID, ref)
	if err != nil {
		return connector.Result{}, err
	}
	if t == nil {
		return connector.Result{Outcome: connector.NotFound}, nil
	}
	captured := t.TransactionType == "Sale" || strings.EqualFold(t.Status, "Captured") || minorOf(t.CapturedAmount) > 0
	voided := strings.EqualFold(t.Status, "Voided")
	happened := connector.Result{Outcome: connector.Approved, ProcessorRef: string(t.TransactionID), RawCode: strconv.Itoa(int(t.ResponseCode))}
	switch {
	case e != nil && e.kind == kindCapture && captured:
		return happened, nil
	case e != nil && e.kind == kindVoid && voided:
		return happened, nil
	case e != nil:
		return connector.Result{Outcome: connector.NotFound}, nil
	case voided || (captured && t.TransactionType != "Sale"):
		return connector.Result{}, &connector.Error{Class: connector.Timeout, Code: "operation_unknown",
			Message: "PayTrace shows a capture or void on this payment, but this connector has no record of which operation sent it"}
	}
	// A sale cannot be captured again and shows no void; no refund carries this id.
	return connector.Result{Outcome: connector.NotFound}, nil
}

func opSettled(e *opEntry) bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// transactionResult is an exported transaction as a connector result.
func transactionResult(t exportedTransaction) connector.Result {
	res := connector.Result{ProcessorRef: string(t.TransactionID), RawCode: strconv.Itoa(int(t.ResponseCode)),
		AmountAuthorized: minorOf(t.Amount), Message: t.StatusMessage}
	switch {
	case t.ResponseCode == codeDeclined:
		res.Outcome, res.DeclineCode = connector.Declined, declineCode(t.ApprovalMessage+" "+t.StatusMessage, t.CSCResponse)
	case t.ResponseCode == codeAutoVoided || strings.EqualFold(t.Status, "Declined"):
		res.Outcome, res.DeclineCode = connector.Declined, "card_declined"
	default:
		res.Outcome = connector.Approved
		res.Captured = t.TransactionType == "Sale" || strings.EqualFold(t.Status, "Captured") || minorOf(t.CapturedAmount) > 0
	}
	return res
}

// exportByID is /v1/transactions/export/by_id; nil when PayTrace has none.
func (c *Connector) exportByID(ctx context.Context, ref string) (*exportedTransaction, error) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		return nil, &connector.Error{Class: connector.InvalidRequest, Code: "processor_ref_invalid", Message: "not a PayTrace transaction id"}
	}
	r, err := c.call(ctx, "/v1/transactions/export/by_id", map[string]any{"transaction_id": id})
	if err != nil {
		return nil, err
	}
	if !r.Success {
		return nil, requestError(r, nil)
	}
	for i := range r.Transactions {
		if string(r.Transactions[i].TransactionID) == ref {
			return &r.Transactions[i], nil
		}
	}
	return nil, nil
}

// findByInvoice searches export/by_date_range (paygate's assumption of the
// endpoint; the reference documents no lookup by invoice) over the last
// StatusLookback, one day ahead for time-zone skew, for a transaction of
// one of types whose invoice_id is invoice. An approved one wins over a
// declined one.
func (c *Connector) findByInvoice(ctx context.Context, invoice string, types []string) (*exportedTransaction, error) {
	if invoice == "" {
		return nil, nil
	}
	list, err := c.exportRecent(ctx)
	if err != nil {
		return nil, err
	}
	var found *exportedTransaction
	for i := range list {
		t := &list[i]
		if t.InvoiceID != invoice || !oneOf(t.TransactionType, types) {
			continue
		}
		if found == nil || transactionResult(*t).Outcome == connector.Approved {
			found = t
		}
	}
	return found, nil
}

// exportRecent is export/by_date_range over the last StatusLookback, one
// day ahead for time-zone skew.
func (c *Connector) exportRecent(ctx context.Context) ([]exportedTransaction, error) {
	now := c.cfg.Now()
	r, err := c.call(ctx, "/v1/transactions/export/by_date_range", map[string]any{
		"start_date": now.Add(-c.cfg.StatusLookback).Format(exportDate),
		"end_date":   now.Add(24 * time.Hour).Format(exportDate),
	})
	if err != nil {
		return nil, err
	}
	if !r.Success {
		return nil, requestError(r, nil)
	}
	return r.Transactions, nil
}

func oneOf(s string, set []string) bool {
	for _, v := range set {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}
