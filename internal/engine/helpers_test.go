package engine_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/pgtest"
	"github.com/paygate/paygate/internal/store/postgres"
	"github.com/paygate/paygate/internal/store/sqlite"
	"github.com/paygate/paygate/internal/vault"
)

// eachStore runs fn against a fresh SQLite store and, when
// PAYGATE_TEST_POSTGRES_URL is set, a fresh PostgreSQL schema.
func eachStore(t *testing.T, fn func(t *testing.T, st engine.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"), sqlite.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := postgres.Open(context.Background(), pgtest.FreshURL(t), postgres.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
}

// fakeProcessor is a processor double whose answers a test scripts; it
// counts calls so tests can prove how often the processor was asked.
type fakeProcessor struct {
	mu         sync.Mutex
	authorizes atomic.Int64
	refunds    atomic.Int64
	captures   atomic.Int64
	statuses   atomic.Int64
	// authorize decides the answer for a card number; default approve.
	authorize func(req connector.AuthorizeRequest) (connector.Result, error)
	status    func(req connector.StatusRequest) (connector.Result, error)
	// followUp, when set, answers captures and refunds (by operation id).
	followUp func(opID string) (connector.Result, error)
	delay    time.Duration
	// payout, when set, answers payouts.
	payout func(req connector.PayoutRequest) (connector.Result, error)
	seen   map[string]connector.Result
}

func (f *fakeProcessor) Name() string { return "fake" }

func (f *fakeProcessor) Authorize(ctx context.Context, req connector.AuthorizeRequest) (connector.Result, error) {
	f.authorizes.Add(1)
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	res, err := connector.Result{Outcome: connector.Approved, ProcessorRef: "fk_" + req.PaymentID, Captured: req.Capture}, error(nil)
	if f.authorize != nil {
		res, err = f.authorize(req)
	}
	f.mu.Lock()
	if f.seen == nil {
		f.seen = map[string]connector.Result{}
	}
	f.seen[req.PaymentID] = res
	f.mu.Unlock()
	return res, err
}

func (f *fakeProcessor) Capture(ctx context.Context, req connector.CaptureRequest) (connector.Result, error) {
	f.captures.Add(1)
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	if f.followUp != nil {
		return f.followUp(req.OperationID)
	}
	return connector.Result{Outcome: connector.Approved, ProcessorRef: "cap_" + req.OperationID}, nil
}

func (f *fakeProcessor) Void(ctx context.Context, req connector.VoidRequest) (connector.Result, error) {
	return connector.Result{Outcome: connector.Approved}, nil
}

func (f *fakeProcessor) Refund(ctx context.Context, req connector.RefundRequest) (connector.Result, error) {
	f.refunds.Add(1)
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	if f.followUp != nil {
		return f.followUp(req.OperationID)
	}
	return connector.Result{Outcome: connector.Approved, ProcessorRef: "ref_" + req.OperationID}, nil
}

func (f *fakeProcessor) Payout(ctx context.Context, req connector.PayoutRequest) (connector.Result, error) {
	if f.payout != nil {
		return f.payout(req)
	}
	return connector.Result{Outcome: connector.Approved}, nil
}

func (f *fakeProcessor) Status(ctx context.Context, req connector.StatusRequest) (connector.Result, error) {
	f.statuses.Add(1)
	if f.status != nil {
		return f.status(req)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.seen[req.PaymentID]; ok {
		return r, nil
	}
	return connector.Result{Outcome: connector.NotFound}, nil
}

type fixture struct {
	e     *engine.Engine
	st    engine.Store
	proc  *fakeProcessor
	actor engine.Actor
}

func newFixture(t *testing.T, st engine.Store, proc *fakeProcessor) *fixture {
	t.Helper()
	return newFixtureAt(t, st, proc, nil)
}

// newFixtureAt is newFixture with a clock (nil: time.Now).
func newFixtureAt(t *testing.T, st engine.Store, proc *fakeProcessor, now func() time.Time) *fixture {
	t.Helper()
	if proc == nil {
		proc = &fakeProcessor{}
	}
	e, err := engine.New(engine.Config{Store: st, Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: proc},
		Keyring: vault.Ephemeral(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := e.CreateMerchant(context.Background(), "Test Shop")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{e: e, st: st, proc: proc, actor: engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}}
}

func visa() *engine.CardInput {
	return &engine.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123", Holder: "Jane Doe"}
}

func (f *fixture) pay(t *testing.T, amount int64, capture payment.CaptureMethod) *payment.Payment {
	t.Helper()
	p, _, err := f.e.CreatePayment(context.Background(), f.actor, engine.CreatePaymentInput{Amount: amount, Currency: "EUR", CaptureMethod: capture, Card: visa()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// verifyLedger fails the test unless every posting balances and every
// payment agrees with its ledger lines.
func (f *fixture) verifyLedger(t *testing.T) {
	t.Helper()
	r, err := f.e.VerifyLedger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatal(r.String())
	}
}

func ptr(v int64) *int64 { return &v }
