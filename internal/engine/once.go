package engine

import (
	"context"
	"errors"
)

// Once runs a request whose use case has no idempotency of its own under
// its Idempotency-Key. The key is claimed first (a duplicate arriving
// meanwhile gets 409, the same key with another request 422) and run
// answers the request. A success's answer (status and body, or keep's
// stand-in for an answer that must not be stored) is kept for the key's
// retention, so a retry gets it instead of acting again; a failure changed
// nothing, so the key is released and the request may be corrected and
// retried. If the process dies between the use case and the stored answer,
// the key stays in progress and retries get 409 until it is reaped: the
// act is never repeated.
func (e *Engine) Once(ctx context.Context, a Actor, idem *Idempotency, run func() (int, []byte), keep func(int, []byte) (int, []byte)) (*Replay, error) {
	var replay *Replay
	err := e.store.Update(ctx, func(tx Tx) error {
		r, err := e.beginIdempotent(ctx, tx, a, idem, "")
		if r != nil {
			replay = r
			return errReplay
		}
		return err
	})
	if errors.Is(err, errReplay) {
		return replay, nil
	}
	if err != nil {
		return nil, err
	}
	status, body := run()
	ctx = context.WithoutCancel(ctx)
	if status < 200 || status > 299 {
		return nil, e.store.Update(ctx, func(tx Tx) error { return tx.ReleaseIdempotency(ctx, a.MerchantID, a.Mode, idem.Key) })
	}
	if keep != nil {
		status, body = keep(status, body)
	}
	done := &Idempotency{Key: idem.Key, Fingerprint: idem.Fingerprint, Render: func(Result, error) (int, []byte) { return status, body }}
	return nil, e.store.Update(ctx, func(tx Tx) error { return e.completeIdempotent(ctx, tx, a, done, Result{}, nil) })
}
