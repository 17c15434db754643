package engine

import (
	"context"
	"errors"
	"strconv"

	"github.com/paygate/paygate/internal/audit"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/payment"
)

// followUpSpec describes one operation on an existing payment (capture, void,
// refund): what it reserves before the processor call, the call itself, and
// what success changes. followUp runs the shared protocol around it.
type followUpSpec struct {
	kind    payment.OpKind
	reason  string
	meta    map[string]string
	reserve func(p *payment.Payment) (int64, error)
	call    func(ctx context.Context, c connector.Connector, p *payment.Payment, op *payment.Operation) (connector.Result, error)
	succeed func(p *payment.Payment, op *payment.Operation) []ledger.Posting
	// refund answers with the refund operation rather than the payment.
	answerOp bool
}

// followUp is the two-transaction protocol that keeps limits exact under any
// concurrency: the first transaction locks the payment, checks the limit and
// reserves the amount (refunds) or marks the operation in flight (capture,
// void); the processor is called outside any transaction; the second
// transaction records the outcome and releases the reservation.
func (e *Engine) followUp(ctx context.Context, a Actor, paymentID string, idem *Idempotency, spec followUpSpec) (*payment.Payment, *payment.Operation, *Replay, error) {
	var rt route
	now := e.now()
	op := &payment.Operation{ID: id.New(opPrefix(spec.kind)), PaymentID: paymentID, MerchantID: a.MerchantID, Mode: a.Mode,
		Kind: spec.kind, Status: payment.OpPending, Reason: spec.reason, Metadata: spec.meta, CreatedAt: now, UpdatedAt: now}
	if idem != nil {
		op.IdempotencyKey = idem.Key
	}
	var p *payment.Payment
	replay, err := e.startTx(ctx, a, idem, op.ID, func(tx Tx) error {
		var err error
		if p, err = tx.GetPaymentForUpdate(ctx, a.MerchantID, a.Mode, paymentID); err != nil {
			return err
		}
		// Checked after the lookup, so an unknown payment is a 404 first.
		// Follow-ups go where the authorization went.
		if rt, err = e.paymentRoute(ctx, p); err != nil {
			return err
		}
		// Refunds reserve money and may run side by side; a capture or void
		// changes the whole authorization, so only one may be in flight.
		if spec.kind != payment.OpRefund && p.InFlight != "" {
			return fault.New(fault.Conflict, "operation_in_progress", "a %s of payment %s is already in progress", p.InFlight, p.ID)
		}
		amount, err := spec.reserve(p)
		if err != nil {
			return err
		}
		op.Amount, op.Currency = amount, p.Currency.Code
		if spec.kind == payment.OpRefund {
			p.RefundPending += amount
		} else {
			p.InFlight = string(spec.kind)
		}
		p.UpdatedAt = now
		if err := p.Check(); err != nil {
			return err
		}
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
		if err := tx.InsertOperation(ctx, op); err != nil {
			return err
		}
		// The request is what is audited: who asked to move money back.
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, auditAction[spec.kind], "payment", paymentID,
			map[string]string{"operation": op.ID, "amount": strconv.FormatInt(amount, 10), "currency": p.Currency.Code}))
	})
	if replay != nil || err != nil {
		return nil, nil, replay, err
	}

	pctx, cancel := e.processorContext(ctx)
	defer cancel()
	res, callErr := e.call(pctx, rt, string(spec.kind), func(cctx context.Context) (connector.Result, error) { return spec.call(cctx, rt.conn, p, op) })

	var out *payment.Payment
	var outOp *payment.Operation
	var outErr error
	err = e.store.Update(pctx, func(tx Tx) error {
		p, err := tx.GetPaymentForUpdate(pctx, a.MerchantID, a.Mode, paymentID)
		if err != nil {
			return err
		}
		// op's row changes only under the payment's lock, taken just above,
		// so the copy from the first transaction is current.
		var dbErr error
		if outErr, dbErr = e.applyFollowUp(pctx, tx, p, op, spec, res, callErr); dbErr != nil {
			return dbErr
		}
		out, outOp = p, op
		r := Result{Payment: p}
		if spec.answerOp {
			r.Operation = op
		}
		return e.completeIdempotent(pctx, tx, a, idem, r, outErr)
	})
	if err != nil {
		return nil, nil, nil, err
	}
	e.notify(out)
	return out, outOp, nil, outErr
}

// applyFollowUp records a processor's answer to a capture, void or refund. A
// decline leaves the payment as it was (reservation released) and is
// returned as a Declined fault after the operation is recorded as failed.
func (e *Engine) applyFollowUp(ctx context.Context, tx Tx, p *payment.Payment, op *payment.Operation, spec followUpSpec, res connector.Result, callErr error) (outErr, dbErr error) {
	now := e.now()
	p.UpdatedAt, op.UpdatedAt = now, now
	if connector.OutcomeUnknown(callErr) {
		// Keep the reservation: the processor may have acted. The operation
		// stays pending until a status check resolves it.
		return fault.New(fault.Unavailable, "processor_timeout", "the processor did not answer in time; the %s is pending and will be resolved", op.Kind), nil
	}
	if spec.kind == payment.OpRefund {
		p.RefundPending -= op.Amount
	} else {
		p.InFlight = ""
	}
	switch {
	case callErr == nil && res.Outcome == connector.Approved:
		op.Status = payment.OpSucceeded
		op.ProcessorRef = res.ProcessorRef
		if err := e.post(ctx, tx, spec.succeed(p, op)...); err != nil {
			return nil, err
		}
	default:
		code, msg := res.DeclineCode, res.Message
		kind := fault.Declined
		var ce *connector.Error
		if errors.As(callErr, &ce) {
			code, msg, kind = ce.Code, ce.Message, fault.Unavailable
			if code == "" {
				code = string(ce.Class)
			}
		} else if callErr != nil {
			code, msg, kind = "processor_error", callErr.Error(), fault.Unavailable
		}
		if code == "" {
			code = string(op.Kind) + "_declined"
		}
		if msg == "" {
			msg = "the processor declined the " + string(op.Kind)
		}
		op.Status, op.FailureCode, op.FailureMessage = payment.OpFailed, code, msg
		outErr = &fault.Error{Kind: kind, Code: code, Message: msg}
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return nil, err
	}
	return outErr, tx.UpdateOperation(ctx, op)
}

var auditAction = map[payment.OpKind]audit.Action{
	payment.OpCapture: audit.PaymentCaptured, payment.OpVoid: audit.PaymentVoided, payment.OpRefund: audit.RefundCreated,
}

func opPrefix(k payment.OpKind) string {
	if k == payment.OpRefund {
		return "re"
	}
	return "op"
}
