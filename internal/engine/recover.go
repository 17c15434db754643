package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/payment"
)

// Recover resolves payments left processing (a crash or timeout between the
// processor call and its recording) or pending at the processor, by asking the
// processor for its view. It never sends a charge again. processingAge must
// exceed the connector timeout, so a request still waiting for its answer is
// never raced; pending payments are asked about once they are pendingAge old.
// It returns how many payments it resolved.
func (e *Engine) Recover(ctx context.Context, processingAge, pendingAge time.Duration) (int, error) {
	resolved, err := e.recoverOperations(ctx, processingAge)
	if err != nil {
		return resolved, err
	}
	n, err := e.recoverPayouts(ctx, processingAge)
	resolved += n
	if err != nil {
		return resolved, err
	}
	for status, age := range map[payment.Status]time.Duration{payment.Processing: processingAge, payment.Pending: pendingAge} {
		ps, err := e.store.PaymentsInStatus(ctx, status, e.now().Add(-age), 500)
		if err != nil {
			return resolved, err
		}
		for _, p := range ps {
			if status == payment.Pending && !e.pendingDue(p) {
				continue
			}
			ok, err := e.resolve(ctx, p)
			if err != nil {
				e.log.Warn("recovery failed", "payment", p.ID, "err", err)
				continue
			}
			if ok {
				resolved++
			}
		}
	}
	return resolved, nil
}

func (e *Engine) resolve(ctx context.Context, p *payment.Payment) (bool, error) {
	rt, err := e.paymentRoute(ctx, p)
	if err != nil {
		return false, nil // nothing to ask (yet); the payment waits
	}
	pctx, cancel := e.processorContext(ctx)
	defer cancel()
	res, callErr := e.call(pctx, rt, "status", func(cctx context.Context) (connector.Result, error) {
		return rt.conn.Status(cctx, connector.StatusRequest{PaymentID: p.ID, ProcessorRef: p.ProcessorRef, Live: p.Mode == payment.Live})
	})
	if p.Status == payment.Pending && (callErr != nil || res.Outcome == connector.Pending) {
		return e.stillPending(pctx, p)
	}
	if callErr != nil || res.Outcome == connector.Pending {
		return false, nil // still unknown; try again on the next pass
	}
	if l, ok := rt.conn.(connector.LookupLagger); ok && res.Outcome == connector.NotFound && e.now().Sub(p.UpdatedAt) < l.LookupLag() {
		return false, nil // the processor's lookup may not show it yet
	}
	a := Actor{MerchantID: p.MerchantID, Mode: p.Mode}
	ops, err := e.store.ListOperations(pctx, a.MerchantID, a.Mode, p.ID)
	if err != nil {
		return false, err
	}
	var changed *payment.Payment
	err = e.store.Update(pctx, func(tx Tx) error {
		cur, err := tx.GetPaymentForUpdate(pctx, a.MerchantID, a.Mode, p.ID)
		if err != nil {
			return err
		}
		// A processing payment has no operation row yet; a pending one has.
		op, stored := authorizationOp(cur, e.now()), false
		if len(ops) > 0 {
			if op, err = tx.GetOperationForUpdate(pctx, a.MerchantID, a.Mode, ops[0].ID); err != nil {
				return err
			}
			stored = true
		}
		before := cur.Status
		if err := e.applyAuthorization(pctx, tx, cur, op, stored, res, nil); err != nil {
			return err
		}
		if cur.Status != before {
			changed = cur
		}
		return nil
	})
	if err != nil || changed == nil {
		return false, err
	}
	e.notify(changed)
	return true, nil
}

// succeeded says, per kind, what a successful follow-up operation changes.
var succeeded = map[payment.OpKind]func(*payment.Payment, *payment.Operation) []ledger.Posting{
	payment.OpCapture: captureSucceeded, payment.OpVoid: voidSucceeded, payment.OpRefund: refundSucceeded,
}

// recoverOperations resolves captures, voids and refunds whose answer was
// lost (a timeout or a crash after the call): the processor's status lookup
// decides, and "never arrived" fails the operation and releases what it
// reserved, so the merchant can try again.
func (e *Engine) recoverOperations(ctx context.Context, olderThan time.Duration) (int, error) {
	ops, err := e.store.PendingOperations(ctx, e.now().Add(-olderThan), 500)
	if err != nil {
		return 0, err
	}
	resolved := 0
	for _, op := range ops {
		if succeeded[op.Kind] == nil {
			continue
		}
		p, err := e.store.GetPayment(ctx, op.MerchantID, op.Mode, op.PaymentID)
		if err != nil {
			continue
		}
		rt, err := e.paymentRoute(ctx, p)
		if err != nil {
			continue
		}
		pctx, cancel := e.processorContext(ctx)
		res, callErr := e.call(pctx, rt, "status", func(cctx context.Context) (connector.Result, error) {
			return rt.conn.Status(cctx, connector.StatusRequest{PaymentID: op.PaymentID, ProcessorRef: p.ProcessorRef, OperationID: op.ID, Live: op.Mode == payment.Live})
		})
		if callErr != nil || res.Outcome == connector.Pending {
			cancel()
			continue // still unknown; try again on the next pass
		}
		if res.Outcome == connector.NotFound {
			res = connector.Result{Outcome: connector.Declined, DeclineCode: "processor_no_record", Message: "the processor has no record of this " + string(op.Kind)}
		}
		var changed *payment.Payment
		err = e.store.Update(pctx, func(tx Tx) error {
			p, err := tx.GetPaymentForUpdate(pctx, op.MerchantID, op.Mode, op.PaymentID)
			if err != nil {
				return err
			}
			cur, err := tx.GetOperationForUpdate(pctx, op.MerchantID, op.Mode, op.ID)
			if err != nil || cur.Status != payment.OpPending {
				return err
			}
			_, dbErr := e.applyFollowUp(pctx, tx, p, cur, followUpSpec{kind: cur.Kind, succeed: succeeded[cur.Kind]}, res, nil)
			changed = p
			return dbErr
		})
		cancel()
		if err != nil {
			e.log.Warn("operation recovery failed", "operation", op.ID, "err", err)
			continue
		}
		if changed != nil {
			resolved++
			e.notify(changed)
		}
	}
	return resolved, nil
}

// pendingDue says whether a pending payment should be asked about now: the
// wait between lookups grows with the payment's age (half its age, from 2 s
// up to an hour), so fresh ones resolve fast and old ones cost little.
func (e *Engine) pendingDue(p *payment.Payment) bool {
	now := e.now()
	wait := min(max(now.Sub(p.CreatedAt)/2, 2*time.Second), time.Hour)
	return now.Sub(p.UpdatedAt) >= wait || now.Sub(p.CreatedAt) >= e.pendingTTL
}

// stillPending records a lookup that found the payment still pending: past
// the pending lifetime it expires (nothing was captured, so no money moves);
// otherwise its updated time marks the lookup, which spaces the next one.
func (e *Engine) stillPending(ctx context.Context, p *payment.Payment) (bool, error) {
	expired := false
	err := e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.GetPaymentForUpdate(ctx, p.MerchantID, p.Mode, p.ID)
		if err != nil || cur.Status != payment.Pending {
			return err
		}
		now := e.now()
		cur.UpdatedAt = now
		if now.Sub(cur.CreatedAt) >= e.pendingTTL {
			cur.Status, cur.FailureCode, cur.FailureMessage = payment.Expired, "pending_expired", "the processor did not decide in time"
			expired = true
		}
		return tx.UpdatePayment(ctx, cur)
	})
	return expired, err
}
