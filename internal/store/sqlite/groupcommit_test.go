package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/sqlstore"
)

func testPayment() *payment.Payment {
	now := time.Now()
	return &payment.Payment{ID: id.New("pay"), MerchantID: "mer_1", Mode: payment.Sandbox, Status: payment.Captured, Amount: 1,
		Currency: money.MustLookup("EUR"), CaptureMethod: payment.CaptureAutomatic, CreatedAt: now, UpdatedAt: now}
}

func insertJob(ctx context.Context, p *payment.Payment) *job {
	return &job{ctx: ctx, done: make(chan error, 1), fn: func(tx engine.Tx) error { return tx.InsertPayment(ctx, p) }}
}

// checkTruth fails when a caller was told success for a payment that is not
// stored, or failure for one that is.
func checkTruth(t *testing.T, s *Store, ps []*payment.Payment, results []error) {
	t.Helper()
	for i, p := range ps {
		_, err := s.GetPayment(context.Background(), p.MerchantID, p.Mode, p.ID)
		stored := err == nil
		if err != nil && fault.KindOf(err) != fault.NotFound {
			t.Fatal(err)
		}
		if stored != (results[i] == nil) {
			t.Errorf("job %d: result %v but stored = %v", i, results[i], stored)
		}
	}
}

func TestABatchWhoseTransactionIsLostTellsEveryCallerTheTruth(t *testing.T) {
	for _, wrote := range []bool{false, true} {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "p.db"), Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		before, after := testPayment(), testPayment()
		// The middle job ends the transaction behind the writer's back, as
		// SQLite itself does after an interrupt, a full disk or an I/O error.
		lose := &job{ctx: ctx, done: make(chan error, 1), fn: func(tx engine.Tx) error {
			if wrote {
				if err := tx.InsertPayment(ctx, testPayment()); err != nil {
					return err
				}
			}
			if _, err := tx.(*sqlstore.Tx).Q.ExecContext(ctx, "ROLLBACK"); err != nil {
				return err
			}
			return errors.New("statement failed and SQLite rolled back")
		}}
		results := s.commit([]*job{insertJob(ctx, before), lose, insertJob(ctx, after)}, nil)
		if results[1] == nil {
			t.Fatal("the failing job succeeded")
		}
		checkTruth(t, s, []*payment.Payment{before, after}, []error{results[0], results[2]})
		s.Close()
	}
}

func TestACallerCancelledMidStatementDoesNotUndoItsBatch(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "p.db"), Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	before, after := testPayment(), testPayment()
	slowCtx, cancel := context.WithCancel(ctx)
	slow := &job{ctx: slowCtx, done: make(chan error, 1), fn: func(tx engine.Tx) error {
		time.AfterFunc(2*time.Millisecond, cancel)
		// A write slow enough to be interrupted by the cancellation.
		_, err := tx.(*sqlstore.Tx).Q.ExecContext(slowCtx, `UPDATE payments SET description = 'x' WHERE id IN
 (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 60000) SELECT 'none' || x FROM c)`)
		return err
	}}
	results := s.commit([]*job{insertJob(ctx, before), slow, insertJob(ctx, after)}, nil)
	t.Logf("slow job: %v", results[1])
	checkTruth(t, s, []*payment.Payment{before, after}, []error{results[0], results[2]})
}
