package engine

import (
	"context"
	"errors"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/payment"
)

// createInProcess records a payment whose processor answers from memory
// without I/O (the built-in sandbox) in one transaction: key, call, payment,
// operation, postings and answer commit together. The two-transaction
// protocol exists to survive a crash between an outside side effect and its
// record; an in-process processor has no outside side effect (its state dies
// with the process), so one transaction keeps every guarantee at half the
// writes. The idempotency row is inserted before the call, so a concurrent
// duplicate still waits or gets 409 and the processor is asked once.
func (e *Engine) createInProcess(ctx context.Context, a Actor, rt route, p *payment.Payment, op *payment.Operation, req connector.AuthorizeRequest, src *cardSource, idem *Idempotency) (*payment.Payment, *Replay, error) {
	// A single-use token is used up in the transaction, before a key
	// written with the outcome could tell a retry from a second payment:
	// its payments check the key first, on the ordinary path.
	if src.save == nil && !src.initial && src.token == nil {
		if out, replay, handled, err := e.createDecided(ctx, a, rt, p, op, req, src, idem); handled {
			return out, replay, err
		}
	}
	pctx, cancel := e.processorContext(ctx)
	defer cancel()
	var out *payment.Payment
	var replay *Replay
	err := e.store.Update(pctx, func(tx Tx) error {
		r, err := e.beginIdempotent(pctx, tx, a, idem, p.ID)
		if err != nil {
			return err
		}
		if r != nil {
			replay = r
			return errReplay
		}
		if err := src.consume(pctx, tx, p.CreatedAt); err != nil {
			return err
		}
		// Work on copies: a group commit may run this function again.
		cur, curOp, postings, err := e.authorizeOutcome(pctx, rt, p, op, req)
		if err != nil {
			return err
		}
		if err := src.keep(pctx, tx, cur); err != nil {
			return err
		}
		if err := src.keepMandate(pctx, tx, cur, cur.CreatedAt); err != nil {
			return err
		}
		out = cur
		if cur.Status == payment.Processing {
			// Unknown even after a lookup: recovery resolves it, the key stays in progress.
			return tx.InsertPayment(pctx, cur)
		}
		return tx.InsertOutcome(pctx, cur, curOp, postings, nil, e.completion(a, idem, Result{Payment: cur}, nil))
	})
	if err != nil && src.cvcBack != nil && !consumedBy(err) {
		src.cvcBack()
	}
	if errors.Is(err, errReplay) {
		return nil, replay, nil
	}
	if err != nil {
		return nil, nil, err
	}
	e.notify(out)
	return out, nil, nil
}

// consumedBy reports whether a failed payment still used up its token's CVC:
// only when the token itself was already used.
func consumedBy(err error) bool { return fault.As(err).Code == "token_used" }

// authorizeOutcome asks the processor and works a payment out from its
// answer, on copies of p and op so that the caller's may be used again: its
// state checked, its postings ready to write (none while the outcome is
// still unknown).
func (e *Engine) authorizeOutcome(ctx context.Context, rt route, p *payment.Payment, op *payment.Operation, req connector.AuthorizeRequest) (*payment.Payment, *payment.Operation, []ledger.Posting, error) {
	cur, curOp := *p, *op
	res, callErr := e.authorizeAt(ctx, rt, req)
	postings := e.resolveAuthorization(ctx, &cur, &curOp, res, callErr)
	if err := cur.Check(); err != nil {
		return nil, nil, nil, err
	}
	if cur.Status != payment.Processing {
		if err := e.preparePostings(postings); err != nil {
			return nil, nil, nil, err
		}
	}
	return &cur, &curOp, postings, nil
}
