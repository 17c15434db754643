package paytrace

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	"github.com/paygate/paygate/internal/connector"
)

// Refund implements connector.Connector. PayTrace refunds a transaction
// (refund/for_transaction) at most once, up to its amount; repeatable
// partial refunds exist only as credits to a vaulted customer
// (refund/to_customer). So the first refund of a transaction goes
// for_transaction with its amount; a later one goes to_customer when the
// sale charged a PayTrace customer (by_customer), and is otherwise declined
// with connector.RefundUnsupported without sending anything. invoice_id
// carries the OperationID so a lost answer is found again by Status.
func (c *Connector) Refund(ctx context.Context, req connector.RefundRequest) (connector.Result, error) {
	amount, err := wireAmount(req.Amount)
	if err != nil {
		return connector.Result{}, err
	}
	ref, err := c.transactionRef(ctx, req.PaymentID, req.ProcessorRef)
	if err != nil {
		return connector.Result{}, err
	}
	var e *opEntry
	if req.OperationID != "" {
		var first bool
		e, first = c.ops.claim(req.OperationID, func() *opEntry { return &opEntry{kind: kindRefund, ref: ref, done: make(chan struct{})} })
		if !first {
			return c.repeatFollowUp(ctx, req.OperationID, e)
		}
	}
	res, err := c.refund(ctx, ref, req.OperationID, amount, req.Amount.Minor)
	if e != nil {
		finishOp(c.ops, req.OperationID, e, res, err)
	}
	return res, err
}

// refund chooses the way of one refund and sends it. Refunds of one
// transaction are decided one at a time in this process, so two of them
// never both take the single for_transaction refund (PayTrace would refuse
// the second anyway; this keeps the refusal from reaching a merchant whose
// sale could take a credit instead).
func (c *Connector) refund(ctx context.Context, ref, opID string, amount json.Number, minor int64) (connector.Result, error) {
	unlock, err := c.refundLocks.lock(ctx, ref)
	if err != nil {
		return connector.Result{}, err
	}
	defer unlock()
	t, err := c.exportByID(ctx, ref)
	if err != nil {
		return connector.Result{}, lookupFailure(err)
	}
	if t == nil {
		return connector.Result{}, &connector.Error{Class: connector.InvalidRequest, Code: "no_such_payment", Message: "PayTrace has no transaction " + ref}
	}
	body := map[string]any{"amount": amount}
	if opID != "" {
		body["invoice_id"] = opID
	}
	if minorOf(t.RefundedAmount) == 0 {
		return c.followUpCall(ctx, ref, "/v1/transactions/refund/for_transaction", body)
	}
	// The transaction's one refund is taken. It may be this very refund,
	// sent before a restart whose answer was lost: then it is the answer.
	if opID != "" {
		prior, err := c.findByInvoice(ctx, opID, refundTypes)
		if err != nil {
			return connector.Result{}, lookupFailure(err)
		}
		if prior != nil {
			return transactionResult(*prior), nil
		}
	}
	if t.CustomerID == "" {
		return connector.Result{Outcome: connector.Declined, DeclineCode: connector.RefundUnsupported, ProcessorRef: ref,
			Message: "PayTrace refunds a transaction only once, and this sale was not made for a PayTrace customer who could be credited instead; nothing was refunded"}, nil
	}
	if string(t.CustomerID) == t.InvoiceID {
		// The sale's own customer (Config.CustomerPerPayment): every credit
		// to it refunds this sale, and PayTrace, which ties no credit to a
		// sale, would not stop one beyond what the sale captured.
		refunded, err := c.refundedSoFar(ctx, t)
		if err != nil {
			return connector.Result{}, lookupFailure(err)
		}
		captured := minorOf(t.CapturedAmount)
		if strings.EqualFold(t.TransactionType, "Sale") {
			captured = max(captured, minorOf(t.Amount))
		}
		if minor > captured-refunded {
			return connector.Result{}, &connector.Error{Class: connector.InvalidRequest, Code: "refund_exceeds_capture",
				Message: "the refund is more than the sale has left to refund; nothing was refunded"}
		}
	}
	body["customer_id"] = string(t.CustomerID)
	r, err := c.call(ctx, "/v1/transactions/refund/to_customer", body)
	if err != nil {
		return connector.Result{}, err
	}
	return followUpResult(r)
}

// followUpCall sends a follow-up on transaction ref without the record of
// operation ids (the caller keeps it).
func (c *Connector) followUpCall(ctx context.Context, ref, path string, body map[string]any) (connector.Result, error) {
	return c.followUp(ctx, kindRefund, "", ref, path, body)
}

// lookupFailure is a failed lookup made before a refund was sent: nothing
// moved, so a lost answer is Unavailable rather than an unknown outcome.
func lookupFailure(err error) error {
	if connector.OutcomeUnknown(err) {
		return &connector.Error{Class: connector.Unavailable, Code: "lookup_failed", Message: "paytrace: the transaction could not be read before the refund; nothing was refunded", Err: err}
	}
	return err
}

// keyedLocks serializes work per key (a transaction id); the map holds
// only keys in use.
type keyedLocks struct {
	mu   sync.Mutex
	held map[string]chan struct{}
}

// lock waits until key is free and takes it, or gives up when ctx ends
// (nothing was sent, so Unavailable).
func (k *keyedLocks) lock(ctx context.Context, key string) (func(), error) {
	for {
		k.mu.Lock()
		if k.held == nil {
			k.held = map[string]chan struct{}{}
		}
		busy, taken := k.held[key]
		if !taken {
			mine := make(chan struct{})
			k.held[key] = mine
			k.mu.Unlock()
			return func() {
				k.mu.Lock()
				delete(k.held, key)
				k.mu.Unlock()
				close(mine)
			}, nil
		}
		k.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, &connector.Error{Class: connector.Unavailable, Code: "refund_busy", Message: "gave up waiting for another refund of this transaction; nothing was sent", Err: ctx.Err()}
		}
	}
}

// refundedSoFar is what a sale with its own customer has had back: its
// approved refunds in export/by_date_range over the status lookback, those
// naming the sale or its customer, each once. Where the export links none
// of them it is at least the sale's own refunded_amount, so the guard can
// miss a credit (then the engine's limit holds) but never count one twice.
// Credits older than the lookback are not seen either.
func (c *Connector) refundedSoFar(ctx context.Context, sale *exportedTransaction) (int64, error) {
	list, err := c.exportRecent(ctx)
	if err != nil {
		return 0, err
	}
	var sum int64
	seen := map[string]bool{}
	for _, t := range list {
		linked := string(t.CustomerID) == string(sale.CustomerID) || string(t.OriginalTransactionID) == string(sale.TransactionID)
		if !strings.EqualFold(t.TransactionType, "Refund") || !linked || seen[string(t.TransactionID)] || transactionResult(t).Outcome != connector.Approved {
			continue
		}
		seen[string(t.TransactionID)] = true
		sum += minorOf(t.Amount)
	}
	return max(sum, minorOf(sale.RefundedAmount)), nil
}
