package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/merchant"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// Opener returns a fresh, migrated store; reopen (may be nil) closes it and
// opens the same database again, for durability tests.
type Opener func(t *testing.T) (st engine.Store, reopen func() engine.Store)

var now = time.Date(2026, 11, 23, 10, 0, 0, 123456000, time.UTC)

func newMerchant(t *testing.T, st engine.Store) *merchant.Merchant {
	t.Helper()
	m := &merchant.Merchant{ID: id.New("mer"), Name: "Shop", CreatedAt: now}
	if err := st.Update(context.Background(), func(tx engine.Tx) error { return tx.InsertMerchant(context.Background(), m) }); err != nil {
		t.Fatal(err)
	}
	return m
}

func newPayment(m *merchant.Merchant, mode payment.Mode) *payment.Payment {
	return &payment.Payment{ID: id.New("pay"), MerchantID: m.ID, Mode: mode, Status: payment.Captured, Amount: 500,
		Currency: money.MustLookup("KWD"), CaptureMethod: payment.CaptureAutomatic, Authorized: 500, Captured: 500,
		Card:        payment.Card{Brand: "visa", First6: "424242", Last4: "4242", ExpMonth: 12, ExpYear: 2030, Holder: "Jane", Fingerprint: "fp"},
		Description: "d", Reference: "ref-1", Customer: "cus", Metadata: map[string]string{"k": "v"}, Connector: "sandbox",
		ProcessorRef: "sbx_1", NextAction: &payment.NextAction{Type: "redirect_to_url", RedirectURL: "https://x"},
		IdempotencyKey: "idem", CreatedAt: now, UpdatedAt: now}
}

func insert(t *testing.T, st engine.Store, p *payment.Payment) {
	t.Helper()
	if err := st.Update(context.Background(), func(tx engine.Tx) error { return tx.InsertPayment(context.Background(), p) }); err != nil {
		t.Fatal(err)
	}
}

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	ctx := context.Background()
	runAccess(t, open)
	runDashboard(t, open)
	t.Run("every field of a payment, operation and key survives a round trip", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		p := newPayment(m, payment.Sandbox)
		insert(t, st, p)
		got, err := st.GetPayment(ctx, m.ID, payment.Sandbox, p.ID)
		if err != nil || !reflect.DeepEqual(got, p) {
			t.Fatalf("payment round trip:\n got %+v\nwant %+v (%v)", got, p, err)
		}
		op := &payment.Operation{ID: id.New("re"), PaymentID: p.ID, MerchantID: m.ID, Mode: payment.Sandbox, Kind: payment.OpRefund,
			Status: payment.OpFailed, Amount: 7, Currency: "KWD", ProcessorRef: "r", FailureCode: "c", FailureMessage: "m", Reason: "why",
			Metadata: map[string]string{"a": "b"}, IdempotencyKey: "k", CreatedAt: now, UpdatedAt: now}
		if err := st.Update(ctx, func(tx engine.Tx) error { return tx.InsertOperation(ctx, op) }); err != nil {
			t.Fatal(err)
		}
		ops, err := st.ListOperations(ctx, m.ID, payment.Sandbox, p.ID)
		if err != nil || len(ops) != 1 || !reflect.DeepEqual(ops[0], op) {
			t.Fatalf("operation round trip: %+v %v", ops, err)
		}
		secret, k := auth.NewSecretKey(m.ID, payment.Live, now)
		if err := st.Update(ctx, func(tx engine.Tx) error { return tx.InsertAPIKey(ctx, k) }); err != nil {
			t.Fatal(err)
		}
		gk, err := st.FindAPIKey(ctx, auth.HashSecret(secret))
		if err != nil || !reflect.DeepEqual(gk, k) {
			t.Fatalf("key round trip: %+v %v", gk, err)
		}
		if err := st.Update(ctx, func(tx engine.Tx) error { return tx.RevokeAPIKey(ctx, m.ID, k.ID, now) }); err != nil {
			t.Fatal(err)
		}
		if gk, _ := st.FindAPIKey(ctx, k.Hash); gk.RevokedAt == nil || gk.Active(now) {
			t.Fatal("revocation not stored")
		}
	})

	t.Run("objects of another merchant or mode are not found", func(t *testing.T) {
		st, _ := open(t)
		a, b := newMerchant(t, st), newMerchant(t, st)
		p := newPayment(a, payment.Sandbox)
		insert(t, st, p)
		for _, c := range []struct {
			m    string
			mode payment.Mode
		}{{b.ID, payment.Sandbox}, {a.ID, payment.Live}} {
			if _, err := st.GetPayment(ctx, c.m, c.mode, p.ID); fault.KindOf(err) != fault.NotFound {
				t.Errorf("read as %v: %v", c, err)
			}
			err := st.Update(ctx, func(tx engine.Tx) error { _, err := tx.GetPaymentForUpdate(ctx, c.m, c.mode, p.ID); return err })
			if fault.KindOf(err) != fault.NotFound {
				t.Errorf("lock as %v: %v", c, err)
			}
		}
	})

	t.Run("lists filter and page newest first", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		var ids []string
		for i := 0; i < 7; i++ {
			p := newPayment(m, payment.Sandbox)
			p.ID = id.NewAt("pay", now.Add(time.Duration(i)*time.Second))
			p.CreatedAt = now.Add(time.Duration(i) * time.Second)
			p.Reference = fmt.Sprintf("r%d", i%2)
			insert(t, st, p)
			ids = append(ids, p.ID)
		}
		page, err := st.ListPayments(ctx, engine.PaymentFilter{MerchantID: m.ID, Mode: payment.Sandbox, Limit: 3})
		if err != nil || len(page) != 3 || page[0].ID != ids[6] || page[2].ID != ids[4] {
			t.Fatalf("first page: %v", err)
		}
		next, _ := st.ListPayments(ctx, engine.PaymentFilter{MerchantID: m.ID, Mode: payment.Sandbox, Limit: 10, StartingAfter: page[2].ID})
		if len(next) != 4 || next[0].ID != ids[3] {
			t.Fatalf("second page: %d", len(next))
		}
		refs, _ := st.ListPayments(ctx, engine.PaymentFilter{MerchantID: m.ID, Mode: payment.Sandbox, Limit: 10, Reference: "r1"})
		ranged, _ := st.ListPayments(ctx, engine.PaymentFilter{MerchantID: m.ID, Mode: payment.Sandbox, Limit: 10, CreatedGTE: now.Add(2 * time.Second), CreatedLT: now.Add(5 * time.Second)})
		if len(refs) != 3 || len(ranged) != 3 {
			t.Fatalf("reference filter %d, range %d", len(refs), len(ranged))
		}
	})

	t.Run("an idempotency key is recorded once and completed", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		r := &engine.IdempotencyRecord{MerchantID: m.ID, Mode: payment.Sandbox, Key: "k", Fingerprint: "f", State: engine.IdemInProgress, ResourceID: "pay_1", CreatedAt: now}
		var first, second bool
		err := st.Update(ctx, func(tx engine.Tx) error {
			var err error
			if first, err = tx.InsertIdempotency(ctx, r); err != nil {
				return err
			}
			second, err = tx.InsertIdempotency(ctx, r)
			return err
		})
		if err != nil || !first || second {
			t.Fatalf("insert twice: %v %v %v", first, second, err)
		}
		done := now.Add(time.Second)
		r.State, r.ResponseStatus, r.ResponseBody, r.CompletedAt = engine.IdemCompleted, 201, []byte(`{"id":"pay_1"}`), &done
		var got *engine.IdempotencyRecord
		err = st.Update(ctx, func(tx engine.Tx) error {
			if err := tx.CompleteIdempotency(ctx, r); err != nil {
				return err
			}
			var err error
			got, err = tx.GetIdempotency(ctx, m.ID, payment.Sandbox, "k")
			return err
		})
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("completed record:\n got %+v\nwant %+v (%v)", got, r, err)
		}
	})

	t.Run("the reaper deletes old completed keys and keeps unfinished ones", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		old, recent := now.Add(-73*time.Hour), now.Add(-time.Hour)
		err := st.Update(ctx, func(tx engine.Tx) error {
			for i, r := range []*engine.IdempotencyRecord{
				{Key: "old-done", State: engine.IdemCompleted, CreatedAt: old},
				{Key: "old-open", State: engine.IdemInProgress, CreatedAt: old},
				{Key: "new-done", State: engine.IdemCompleted, CreatedAt: recent},
			} {
				r.MerchantID, r.Mode, r.Fingerprint = m.ID, payment.Sandbox, fmt.Sprint(i)
				if _, err := tx.InsertIdempotency(ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		deleted, unfinished, err := st.DeleteIdempotencyKeys(ctx, now.Add(-72*time.Hour))
		if err != nil || deleted != 1 || unfinished != 1 {
			t.Fatalf("deleted %d, unfinished %d, %v", deleted, unfinished, err)
		}
		st.Update(ctx, func(tx engine.Tx) error {
			for key, want := range map[string]bool{"old-done": false, "old-open": true, "new-done": true} {
				if r, _ := tx.GetIdempotency(ctx, m.ID, payment.Sandbox, key); (r != nil) != want {
					t.Errorf("key %s present = %v", key, r != nil)
				}
			}
			return nil
		})
	})

	t.Run("postings sum into balances and per-payment totals", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		p := newPayment(m, payment.Sandbox)
		p.Refunded, p.Status = 200, payment.PartiallyRefunded
		insert(t, st, p)
		posts := []ledger.Posting{ledger.Authorize(p, "op1", 500), ledger.Capture(p, "op1", 500, 0), ledger.Refund(p, "re1", 200)}
		for i := range posts {
			posts[i].ID, posts[i].CreatedAt = id.New("pst"), now
		}
		if err := st.Update(ctx, func(tx engine.Tx) error { return tx.InsertPostings(ctx, posts) }); err != nil {
			t.Fatal(err)
		}
		bal, err := st.Balances(ctx, m.ID, payment.Sandbox)
		want := map[string]int64{"available": 300, "holds": 0, "payers": -300}
		for _, b := range bal {
			if b.Currency != "KWD" || want[b.Role] != b.Amount {
				t.Errorf("balance %+v", b)
			}
		}
		if err != nil || len(bal) != 3 {
			t.Fatalf("balances %+v %v", bal, err)
		}
		if ub, err := st.UnbalancedPostings(ctx); err != nil || len(ub) != 0 {
			t.Fatalf("unbalanced %v %v", ub, err)
		}
		var seen int
		err = st.EachPaymentBalance(ctx, func(q *payment.Payment, b ledger.PaymentBalances) error {
			seen++
			if q.ID == p.ID && (b.Available != 300 || b.Payers != -300 || ledger.Compare(q, b) != nil) {
				t.Errorf("payment balances %+v", b)
			}
			return nil
		})
		if err != nil || seen == 0 {
			t.Fatal(err)
		}
		bad := ledger.Posting{ID: id.New("pst"), MerchantID: m.ID, Mode: "sandbox", PaymentID: p.ID, Kind: "bad", CreatedAt: now,
			Lines: []ledger.Line{{Account: "a:available", Amount: 5, Currency: "KWD"}, {Account: "a:payers", Amount: -4, Currency: "KWD"}}}
		st.Update(ctx, func(tx engine.Tx) error { return tx.InsertPostings(ctx, []ledger.Posting{bad}) })
		if ub, _ := st.UnbalancedPostings(ctx); len(ub) != 1 || ub[0] != bad.ID {
			t.Fatalf("unbalanced posting not reported: %v", ub)
		}
	})

	t.Run("a failing transaction keeps nothing while concurrent ones commit", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		var wg sync.WaitGroup
		errs := make([]error, 40)
		ids := make([]string, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := newPayment(m, payment.Sandbox)
				ids[i] = p.ID
				errs[i] = st.Update(ctx, func(tx engine.Tx) error {
					if err := tx.InsertPayment(ctx, p); err != nil {
						return err
					}
					if i%2 == 1 {
						return errors.New("boom")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i := range 40 {
			_, err := st.GetPayment(ctx, m.ID, payment.Sandbox, ids[i])
			if i%2 == 0 && (errs[i] != nil || err != nil) {
				t.Errorf("committed transaction %d lost: %v %v", i, errs[i], err)
			}
			if i%2 == 1 && (errs[i] == nil || fault.KindOf(err) != fault.NotFound) {
				t.Errorf("failed transaction %d kept its write: %v", i, err)
			}
		}
	})

	t.Run("a hundred concurrent reservations never exceed the captured amount", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		p := newPayment(m, payment.Sandbox)
		insert(t, st, p)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := st.Update(ctx, func(tx engine.Tx) error {
					cur, err := tx.GetPaymentForUpdate(ctx, m.ID, payment.Sandbox, p.ID)
					if err != nil {
						return err
					}
					if cur.Refundable() < 7 {
						return fault.New(fault.Conflict, "exhausted", "nothing left")
					}
					cur.Refunded += 7
					if err := tx.UpdatePayment(ctx, cur); err != nil {
						return err
					}
					return tx.InsertOperation(ctx, &payment.Operation{ID: id.New("re"), PaymentID: p.ID, MerchantID: m.ID, Mode: payment.Sandbox,
						Kind: payment.OpRefund, Status: payment.OpSucceeded, Amount: 7, Currency: "KWD", CreatedAt: now, UpdatedAt: now})
				})
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else if fault.As(err).Code != "exhausted" {
					t.Errorf("unexpected: %v", err)
				}
			}()
		}
		wg.Wait()
		got, _ := st.GetPayment(ctx, m.ID, payment.Sandbox, p.ID)
		ops, err := st.ListOperations(ctx, m.ID, payment.Sandbox, p.ID)
		if ok != 71 || got.Refunded != 497 || len(ops) != 71 || err != nil {
			t.Fatalf("%d reservations succeeded, refunded %d, %d operations (%v)", ok, got.Refunded, len(ops), err)
		}
	})

	runContract(t, open)

	t.Run("committed data survives closing and reopening", func(t *testing.T) {
		st, reopen := open(t)
		if reopen == nil {
			t.Skip("store cannot be reopened")
		}
		m := newMerchant(t, st)
		p := newPayment(m, payment.Sandbox)
		insert(t, st, p)
		st = reopen()
		if _, err := st.GetPayment(ctx, m.ID, payment.Sandbox, p.ID); err != nil {
			t.Fatalf("after reopen: %v", err)
		}
		if err := st.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
