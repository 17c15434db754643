package engine

import (
	"context"
	"errors"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/payment"
)

// recordAuthorization applies a processor's answer to an authorization or
// sale in one transaction: status, amounts, operation, ledger postings and
// the idempotent response. An unknown outcome leaves the payment processing
// for recovery to resolve.
func (e *Engine) recordAuthorization(ctx context.Context, a Actor, paymentID string, op *payment.Operation, res connector.Result, callErr error, idem *Idempotency) (*payment.Payment, *Replay, error) {
	var out *payment.Payment
	err := e.store.Update(ctx, func(tx Tx) error {
		p, err := tx.GetPaymentForUpdate(ctx, a.MerchantID, a.Mode, paymentID)
		if err != nil {
			return err
		}
		if err := e.applyAuthorization(ctx, tx, p, op, false, res, callErr); err != nil {
			return err
		}
		out = p
		if p.Status == payment.Processing {
			// Outcome unknown: keep the key in progress so a retry waits for
			// recovery instead of replaying an answer that is not final.
			return nil
		}
		return e.completeIdempotent(ctx, tx, a, idem, Result{Payment: p}, nil)
	})
	if err != nil {
		return nil, nil, err
	}
	e.notify(out)
	return out, nil, nil
}

// applyAuthorization mutates p and op for a processor answer and writes them.
// It is shared by payment creation, 3-D Secure completion, pending resolution
// and crash recovery, so every path records outcomes the same way.
// opStored says whether op already has a row (a pending or 3-D Secure
// authorization being resolved) or is written here for the first time.
func (e *Engine) applyAuthorization(ctx context.Context, tx Tx, p *payment.Payment, op *payment.Operation, opStored bool, res connector.Result, callErr error) error {
	if p.Status != payment.Processing && p.Status != payment.Pending && p.Status != payment.RequiresAction {
		return nil // already resolved by another path; first answer wins
	}
	if connector.OutcomeUnknown(callErr) {
		return nil // stays processing; recovery asks the processor again
	}
	postings := e.resolveAuthorization(ctx, p, op, res, callErr)
	if err := e.post(ctx, tx, postings...); err != nil {
		return err
	}
	if err := e.settleSavedCard(ctx, tx, p); err != nil {
		return err
	}
	if err := e.settleMandate(ctx, tx, p); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return err
	}
	if opStored {
		return tx.UpdateOperation(ctx, op)
	}
	return tx.InsertOperation(ctx, op)
}

// resolveAuthorization applies a processor's answer to p and op in memory
// and returns the postings it calls for. An unknown outcome changes nothing.
func (e *Engine) resolveAuthorization(ctx context.Context, p *payment.Payment, op *payment.Operation, res connector.Result, callErr error) []ledger.Posting {
	if connector.OutcomeUnknown(callErr) {
		return nil
	}
	if res.ThreeDS != nil {
		p.ThreeDS = e.threeDSRecord(ctx, p, res.ThreeDS)
	}
	now := e.now()
	p.UpdatedAt, op.UpdatedAt = now, now
	var postings []ledger.Posting
	switch {
	case callErr != nil:
		code, msg := "processor_error", "the processor could not process the payment"
		var ce *connector.Error
		if errors.As(callErr, &ce) {
			code = string(ce.Class)
			if ce.Code != "" {
				code = ce.Code
			}
			if ce.Message != "" {
				msg = ce.Message
			}
		}
		fail(p, op, code, msg)
	case res.Outcome == connector.Approved:
		amount := p.Amount
		if res.AmountAuthorized > 0 && res.AmountAuthorized < amount {
			amount = res.AmountAuthorized
		}
		p.Authorized = amount
		p.ProcessorRef, op.ProcessorRef = res.ProcessorRef, res.ProcessorRef
		p.NextAction = nil
		op.Status = payment.OpSucceeded
		if res.Captured {
			p.Captured = amount
			p.Status = payment.Captured
			postings = append(postings, ledger.Sale(p, op.ID, amount))
		} else {
			p.Status = payment.Authorized
			postings = append(postings, ledger.Authorize(p, op.ID, amount))
		}
	case res.Outcome == connector.Declined:
		fail(p, op, res.DeclineCode, res.Message)
	case res.Outcome == connector.Pending:
		p.Status = payment.Pending
		p.ProcessorRef, op.ProcessorRef = res.ProcessorRef, res.ProcessorRef
	case res.Outcome == connector.ActionRequired:
		p.Status = payment.RequiresAction
		p.ProcessorRef, op.ProcessorRef = res.ProcessorRef, res.ProcessorRef
		p.NextAction = &payment.NextAction{Type: "redirect_to_url", RedirectURL: res.ActionURL}
	case res.Outcome == connector.NotFound:
		// The processor never saw it (a crash before the call, or a sandbox
		// restart): nothing was authorized, so failing it is safe.
		fail(p, op, "processor_no_record", "the processor has no record of this payment")
	default:
		fail(p, op, "processor_error", "unexpected processor answer "+string(res.Outcome))
	}
	return postings
}

func fail(p *payment.Payment, op *payment.Operation, code, msg string) {
	if code == "" {
		code = "card_declined"
	}
	if msg == "" {
		msg = "the card was declined"
	}
	p.Status = payment.Failed
	p.FailureCode, p.FailureMessage = code, msg
	p.NextAction = nil
	op.Status = payment.OpFailed
	op.FailureCode, op.FailureMessage = code, msg
}
