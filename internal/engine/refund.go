package engine

import (
	"context"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// RefundInput asks for a refund: all that remains when Amount is nil.
type RefundInput struct {
	Amount   *int64
	Reason   string
	Metadata map[string]string
}

// Refund returns captured money, in part or in full, as often as asked while
// the refunds' sum stays within what was captured. Concurrent refunds reserve
// their amounts under the payment's row lock, so they can never overshoot.
// The answer is the refund operation; a declined refund is recorded as failed
// and returned with a Declined fault.
func (e *Engine) Refund(ctx context.Context, a Actor, paymentID string, in RefundInput, idem *Idempotency) (*payment.Operation, *payment.Payment, *Replay, error) {
	if in.Amount != nil {
		if err := validAmount("amount", *in.Amount); err != nil {
			return nil, nil, nil, err
		}
	}
	if err := validText("reason", in.Reason, 500); err != nil {
		return nil, nil, nil, err
	}
	if err := validMetadata(in.Metadata); err != nil {
		return nil, nil, nil, err
	}
	spec := followUpSpec{
		kind: payment.OpRefund, reason: in.Reason, meta: in.Metadata, answerOp: true,
		reserve: func(p *payment.Payment) (int64, error) {
			if p.Status != payment.Captured && p.Status != payment.PartiallyRefunded {
				return 0, fault.New(fault.Conflict, "payment_not_refundable", "payment %s is %s; only captured money can be refunded", p.ID, p.Status)
			}
			left := p.Refundable()
			want := left
			if in.Amount != nil {
				want = *in.Amount
			}
			if left <= 0 {
				return 0, fault.New(fault.Conflict, "charge_already_refunded", "payment %s has nothing left to refund", p.ID)
			}
			if want > left {
				return 0, fault.InvalidParam("amount", "amount_too_large", "refund amount %s exceeds the %s that can still be refunded", FormatAmount(want, p.Currency), FormatAmount(left, p.Currency))
			}
			return want, nil
		},
		call: func(ctx context.Context, c connector.Connector, p *payment.Payment, op *payment.Operation) (connector.Result, error) {
			return c.Refund(ctx, connector.RefundRequest{PaymentID: p.ID, OperationID: op.ID, ProcessorRef: p.ProcessorRef,
				Amount: money.Amount{Minor: op.Amount, Currency: p.Currency}, Reason: op.Reason, Live: p.Mode == payment.Live})
		},
		succeed: refundSucceeded,
	}
	p, refund, replay, err := e.followUp(ctx, a, paymentID, idem, spec)
	return refund, p, replay, err
}

// refundSucceeded records a refund of op.Amount.
func refundSucceeded(p *payment.Payment, op *payment.Operation) []ledger.Posting {
	p.Refunded += op.Amount
	if p.Refunded == p.Captured {
		p.Status = payment.Refunded
	} else {
		p.Status = payment.PartiallyRefunded
	}
	return []ledger.Posting{ledger.Refund(p, op.ID, op.Amount)}
}
