package engine

import (
	"context"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/ledger"
)

// post validates and writes ledger postings inside the caller's transaction.
func (e *Engine) post(ctx context.Context, tx Tx, ps ...ledger.Posting) error {
	if len(ps) == 0 {
		return nil
	}
	if err := e.preparePostings(ps); err != nil {
		return err
	}
	return tx.InsertPostings(ctx, ps)
}

// preparePostings gives postings their ids and time and validates them.
func (e *Engine) preparePostings(ps []ledger.Posting) error {
	now := e.now()
	for i := range ps {
		ps[i].ID = id.New("pst")
		ps[i].CreatedAt = now
		if err := ps[i].Validate(); err != nil {
			return &fault.Error{Kind: fault.Internal, Code: "ledger_unbalanced", Message: err.Error()}
		}
	}
	return nil
}
