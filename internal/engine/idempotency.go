package engine

import (
	"context"
	"errors"
	"strings"

	"github.com/paygate/paygate/internal/payment"

	"github.com/paygate/paygate/internal/fault"
)

// errReplay aborts a transaction whose request turned out to be a repeat.
var errReplay = errors.New("engine: replay")

// beginIdempotent runs inside the first transaction of a use case. It returns
// a Replay when the key has a completed answer, a fault when the key is in use
// by another body or still running, and otherwise records the key as in
// progress for resourceID.
func (e *Engine) beginIdempotent(ctx context.Context, tx Tx, a Actor, idem *Idempotency, resourceID string) (*Replay, error) {
	if idem == nil || idem.Key == "" {
		return nil, nil
	}
	inserted, err := tx.InsertIdempotency(ctx, &IdempotencyRecord{
		MerchantID: a.MerchantID, Mode: a.Mode, Key: idem.Key, Fingerprint: idem.Fingerprint,
		State: IdemInProgress, ResourceID: resourceID, CreatedAt: e.now(),
	})
	if err != nil || inserted {
		return nil, err
	}
	rec, err := tx.GetIdempotency(ctx, a.MerchantID, a.Mode, idem.Key)
	if err != nil {
		return nil, err
	}
	if rec != nil {
		if rec.Fingerprint != idem.Fingerprint {
			return nil, &fault.Error{Kind: fault.IdempotencyMismatch, Code: "idempotency_key_reused", Param: "Idempotency-Key",
				Message: "this Idempotency-Key was used with a different request; use a new key for a new request"}
		}
		if rec.State == IdemCompleted {
			return &Replay{Status: rec.ResponseStatus, Body: rec.ResponseBody}, nil
		}
		if r, err := e.completeRecoveredPayment(ctx, tx, a, idem, rec); r != nil || err != nil {
			return r, err
		}
		return nil, &fault.Error{Kind: fault.IdempotencyInProgress, Code: "idempotency_key_in_use", Param: "Idempotency-Key",
			Message: "a request with this Idempotency-Key is still being processed; retry later"}
	}
	// Reaped between our insert attempt and the read: treat as in use.
	return nil, &fault.Error{Kind: fault.IdempotencyInProgress, Code: "idempotency_key_in_use", Param: "Idempotency-Key",
		Message: "a request with this Idempotency-Key is still being processed; retry later"}
}

// completeIdempotent stores the rendered answer inside the final transaction.
func (e *Engine) completeIdempotent(ctx context.Context, tx Tx, a Actor, idem *Idempotency, res Result, resErr error) error {
	rec := e.completion(a, idem, res, resErr)
	if rec == nil {
		return nil
	}
	return tx.CompleteIdempotency(ctx, rec)
}

// completion renders the stored answer of a finished request, or nil
// without an idempotency key.
func (e *Engine) completion(a Actor, idem *Idempotency, res Result, resErr error) *IdempotencyRecord {
	if idem == nil || idem.Key == "" || idem.Render == nil {
		return nil
	}
	status, body := idem.Render(res, resErr)
	now := e.now()
	return &IdempotencyRecord{
		MerchantID: a.MerchantID, Mode: a.Mode, Key: idem.Key, Fingerprint: idem.Fingerprint,
		State: IdemCompleted, ResponseStatus: status, ResponseBody: body, CompletedAt: &now,
	}
}

// startTx runs the first transaction of a use case with its idempotency
// check; fn does the use case's own writes. It returns a Replay for repeats.
func (e *Engine) startTx(ctx context.Context, a Actor, idem *Idempotency, resourceID string, fn func(Tx) error) (*Replay, error) {
	var replay *Replay
	err := e.store.Update(ctx, func(tx Tx) error {
		r, err := e.beginIdempotent(ctx, tx, a, idem, resourceID)
		if err != nil {
			return err
		}
		if r != nil {
			replay = r
			return errReplay
		}
		return fn(tx)
	})
	if errors.Is(err, errReplay) {
		return replay, nil
	}
	return nil, err
}

// completeRecoveredPayment answers a retry whose first request died after
// creating its payment (a crash, or an outcome that was unknown): once
// recovery has resolved the payment, the retry gets the payment's answer and
// the key completes. Nothing is sent to the processor again.
func (e *Engine) completeRecoveredPayment(ctx context.Context, tx Tx, a Actor, idem *Idempotency, rec *IdempotencyRecord) (*Replay, error) {
	if !strings.HasPrefix(rec.ResourceID, "pay_") || idem.Render == nil {
		return nil, nil
	}
	// A plain read, not a row lock: the request that owns the key may hold
	// the payment's lock while it waits for this key's row.
	p, err := tx.GetPayment(ctx, a.MerchantID, a.Mode, rec.ResourceID)
	if err != nil || p.Status == payment.Processing {
		return nil, nil
	}
	status, body := idem.Render(Result{Payment: p}, nil)
	now := e.now()
	rec.State, rec.ResponseStatus, rec.ResponseBody, rec.CompletedAt = IdemCompleted, status, body, &now
	if err := tx.CompleteIdempotency(ctx, rec); err != nil {
		return nil, err
	}
	return &Replay{Status: status, Body: body}, nil
}
