package engine

import (
	"context"
	"errors"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/webhook"
)

// errKeyTaken aborts a decided payment's transaction whose key another
// request wrote first.
var errKeyTaken = errors.New("engine: idempotency key taken")

// createDecided records a payment at an in-process processor whose outcome
// is decided before its transaction: the processor call, the outcome, the
// stored answer and the event's object are all worked out first, so the
// store's single writer (SQLite) or its one statement (PostgreSQL) only
// writes. The Idempotency-Key is held in this process while that runs and
// written with the outcome, which writes nothing if the key exists. It
// reports handled=false, having written nothing, when the ordinary path
// must answer: the key already existed, or this process held or remembers
// it (keyClaims; its answer is stored). A retry of a request answered by
// another process, or before this one restarted, thus asks the in-process
// processor once in vain: it keeps no money and no state that outlives the
// process, and the answer is the stored one. Not reading the key first
// saves a query per payment.
//
// Payments that save a card or start a mandate look rows up to shape their
// outcome, and payments with a single-use token use it up before the key
// is written: they take the ordinary path.
func (e *Engine) createDecided(ctx context.Context, a Actor, rt route, p *payment.Payment, op *payment.Operation, req connector.AuthorizeRequest, src *cardSource, idem *Idempotency) (out *payment.Payment, replay *Replay, handled bool, err error) {
	keyed := idem != nil && idem.Key != ""
	taken := false
	if keyed {
		var release func(stored bool)
		release, err = e.claims.claim(ctx, claimKey{a.MerchantID, a.Mode, idem.Key})
		if err != nil || release == nil {
			return nil, nil, err != nil, err
		}
		// Remember the key once it is in the database, by this request or another.
		defer func() { release(taken || handled && err == nil) }()
	}
	pctx, cancel := e.processorContext(ctx)
	defer cancel()
	cur, curOp, postings, err := e.authorizeOutcome(pctx, rt, p, op, req)
	if err != nil {
		return nil, nil, true, err
	}
	var rec *IdempotencyRecord
	if keyed {
		rec = e.completion(a, idem, Result{Payment: cur}, nil)
		if rec == nil || cur.Status == payment.Processing {
			// Unknown even after a lookup: recovery resolves it, the key stays in progress.
			rec = &IdempotencyRecord{MerchantID: a.MerchantID, Mode: a.Mode, Key: idem.Key, Fingerprint: idem.Fingerprint, State: IdemInProgress}
		}
		rec.ResourceID, rec.CreatedAt = cur.ID, cur.CreatedAt
	}
	var object []byte
	typ := webhook.ForStatus(cur.Status)
	if typ != "" && cur.Status != payment.Processing {
		object = e.render(cur)
	}
	err = e.store.Update(pctx, func(tx Tx) error {
		if err := src.consume(pctx, tx, cur.CreatedAt); err != nil {
			return err
		}
		if cur.Status == payment.Processing {
			if rec != nil {
				inserted, err := tx.InsertIdempotency(pctx, rec)
				if err != nil {
					return err
				}
				if !inserted {
					return errKeyTaken
				}
			}
			return tx.InsertPayment(pctx, cur)
		}
		var events []*webhook.Event
		if object != nil {
			events = []*webhook.Event{e.draftedEvent(tx, cur, typ, object)}
		}
		claimed, err := tx.ClaimOutcome(pctx, cur, curOp, postings, events, rec)
		if err == nil && !claimed {
			err = errKeyTaken
		}
		return err
	})
	if errors.Is(err, errKeyTaken) {
		taken = true
		return nil, nil, false, nil
	}
	if err != nil {
		if src.cvcBack != nil && !consumedBy(err) {
			src.cvcBack()
		}
		return nil, nil, true, err
	}
	e.notify(cur)
	return cur, nil, true, nil
}

// draftedEvent is a payment's status event around an object rendered before
// the transaction; its id and sequence are taken inside it, so that events
// still number in the order they commit.
func (e *Engine) draftedEvent(tx Tx, p *payment.Payment, typ string, object []byte) *webhook.Event {
	rank := 0
	if et, ok := tx.(*eventTx); ok {
		rank = et.emitted
		et.emitted++
	}
	ev := e.newEvent(p.MerchantID, p.Mode, typ, p.ID, object, rank)
	ev.NotifyURL, ev.NotifyDoor = p.NotificationURL, p.Door
	return ev
}
