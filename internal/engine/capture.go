package engine

import (
	"context"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// Capture captures an authorized payment: all of it when amount is nil, or a
// part, never more than was authorized. A partial capture releases the rest
// of the hold. Only one capture or void can be in flight at a time.
func (e *Engine) Capture(ctx context.Context, a Actor, paymentID string, amount *int64, idem *Idempotency) (*payment.Payment, *Replay, error) {
	if amount != nil {
		if err := validAmount("amount", *amount); err != nil {
			return nil, nil, err
		}
	}
	p, _, replay, err := e.followUp(ctx, a, paymentID, idem, followUpSpec{
		kind: payment.OpCapture,
		reserve: func(p *payment.Payment) (int64, error) {
			if p.Status != payment.Authorized {
				return 0, fault.New(fault.Conflict, "payment_not_capturable", "payment %s is %s; only an authorized payment can be captured", p.ID, p.Status)
			}
			want := p.Authorized
			if amount != nil {
				want = *amount
			}
			if want > p.Authorized {
				return 0, fault.InvalidParam("amount", "amount_too_large", "capture amount %s exceeds the authorized %s", FormatAmount(want, p.Currency), FormatAmount(p.Authorized, p.Currency))
			}
			return want, nil
		},
		call: func(ctx context.Context, c connector.Connector, p *payment.Payment, op *payment.Operation) (connector.Result, error) {
			return c.Capture(ctx, connector.CaptureRequest{PaymentID: p.ID, OperationID: op.ID, ProcessorRef: p.ProcessorRef,
				Amount: money.Amount{Minor: op.Amount, Currency: p.Currency}, Live: p.Mode == payment.Live})
		},
		succeed: captureSucceeded,
	})
	return p, replay, err
}

// Void cancels an uncaptured authorization and releases the whole hold.
func (e *Engine) Void(ctx context.Context, a Actor, paymentID string, idem *Idempotency) (*payment.Payment, *Replay, error) {
	p, _, replay, err := e.followUp(ctx, a, paymentID, idem, followUpSpec{
		kind: payment.OpVoid,
		reserve: func(p *payment.Payment) (int64, error) {
			if p.Status != payment.Authorized {
				return 0, fault.New(fault.Conflict, "payment_not_voidable", "payment %s is %s; only an authorized payment can be voided", p.ID, p.Status)
			}
			return p.Authorized, nil
		},
		call: func(ctx context.Context, c connector.Connector, p *payment.Payment, op *payment.Operation) (connector.Result, error) {
			return c.Void(ctx, connector.VoidRequest{PaymentID: p.ID, OperationID: op.ID, ProcessorRef: p.ProcessorRef, Live: p.Mode == payment.Live})
		},
		succeed: voidSucceeded,
	})
	return p, replay, err
}

// captureSucceeded records a capture: a partial one releases the rest of the hold.
func captureSucceeded(p *payment.Payment, op *payment.Operation) []ledger.Posting {
	released := p.Authorized - op.Amount
	p.Captured = op.Amount
	p.Status = payment.Captured
	return []ledger.Posting{ledger.Capture(p, op.ID, op.Amount, released)}
}

// voidSucceeded records a void: the whole hold goes back to the payer.
func voidSucceeded(p *payment.Payment, op *payment.Operation) []ledger.Posting {
	p.Status = payment.Voided
	return []ledger.Posting{ledger.Release(p, op.ID, "void", p.Authorized)}
}
