package engine

import (
	"context"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/ledger"
)

// post validates and writes one ledger posting inside the caller's transaction.
func (e *Engine) post(ctx context.Context, tx Tx, p ledger.Posting) error {
	p.ID = id.New("pst")
	p.CreatedAt = e.now()
	if err := p.Validate(); err != nil {
		return &fault.Error{Kind: fault.Internal, Code: "ledger_unbalanced", Message: err.Error()}
	}
	return tx.InsertPosting(ctx, p)
}
