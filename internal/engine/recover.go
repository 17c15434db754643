package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/payment"
)

// Recover resolves payments left processing (a crash or timeout between the
// processor call and its recording) or pending at the processor, by asking the
// processor for its view. It never sends a charge again. processingAge must
// exceed the connector timeout, so a request still waiting for its answer is
// never raced; pending payments are asked about once they are pendingAge old.
// It returns how many payments it resolved.
func (e *Engine) Recover(ctx context.Context, processingAge, pendingAge time.Duration) (int, error) {
	resolved := 0
	for status, age := range map[payment.Status]time.Duration{payment.Processing: processingAge, payment.Pending: pendingAge} {
		ps, err := e.store.PaymentsInStatus(ctx, status, e.now().Add(-age), 500)
		if err != nil {
			return resolved, err
		}
		for _, p := range ps {
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
	conn := e.connectors[p.Mode]
	if conn == nil {
		return false, nil
	}
	pctx, cancel := e.processorContext(ctx)
	defer cancel()
	res, callErr := conn.Status(pctx, connector.StatusRequest{PaymentID: p.ID, ProcessorRef: p.ProcessorRef, Live: p.Mode == payment.Live})
	if callErr != nil || res.Outcome == connector.Pending {
		return false, nil // still unknown; try again on the next pass
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
