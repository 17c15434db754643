package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/webhook"
)

func update(t *testing.T, st engine.Store, fn func(tx engine.Tx) error) {
	t.Helper()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func newOperation(p *payment.Payment, kind payment.OpKind, status payment.OpStatus, at time.Time) *payment.Operation {
	return &payment.Operation{ID: id.NewAt("op", at), PaymentID: p.ID, MerchantID: p.MerchantID, Mode: p.Mode, Kind: kind,
		Status: status, Amount: 7, Currency: p.Currency.Code, CreatedAt: at, UpdatedAt: at}
}

// runContract covers the Store methods the engine relies on beyond the basics.
func runContract(t *testing.T, open Opener) {
	ctx := context.Background()
	t.Run("a merchant and its keys are read back and a key is revoked only by its merchant", func(t *testing.T) {
		st, _ := open(t)
		m, other := newMerchant(t, st), newMerchant(t, st)
		got, err := st.GetMerchant(ctx, m.ID)
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Fatalf("merchant round trip: %+v %v", got, err)
		}
		if _, err := st.GetMerchant(ctx, "mer_missing"); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("unknown merchant: %v", err)
		}
		_, k1 := auth.NewSecretKey(m.ID, payment.Sandbox, now)
		_, k2 := auth.NewSecretKey(m.ID, payment.Live, now)
		update(t, st, func(tx engine.Tx) error {
			if err := tx.InsertAPIKey(ctx, k1); err != nil {
				return err
			}
			return tx.InsertAPIKey(ctx, k2)
		})
		keys, err := st.ListAPIKeys(ctx, m.ID)
		if err != nil || len(keys) != 2 {
			t.Fatalf("list keys: %d %v", len(keys), err)
		}
		if none, _ := st.ListAPIKeys(ctx, other.ID); len(none) != 0 {
			t.Fatalf("another merchant lists %d keys", len(none))
		}
		err = st.Update(ctx, func(tx engine.Tx) error { return tx.RevokeAPIKey(ctx, other.ID, k1.ID, now) })
		if fault.KindOf(err) != fault.NotFound {
			t.Fatalf("revoke as another merchant: %v", err)
		}
		if _, err := st.FindAPIKey(ctx, "no-such-hash"); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("unknown key: %v", err)
		}
	})

	t.Run("every mutable field of a payment and an operation is updated", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		p := newPayment(m, payment.Sandbox)
		p.Status, p.Captured, p.NextAction = payment.Authorized, 0, nil
		insert(t, st, p)
		op := newOperation(p, payment.OpCapture, payment.OpPending, now)
		update(t, st, func(tx engine.Tx) error { return tx.InsertOperation(ctx, op) })
		later := now.Add(time.Minute)
		update(t, st, func(tx engine.Tx) error {
			cur, err := tx.GetPaymentForUpdate(ctx, m.ID, payment.Sandbox, p.ID)
			if err != nil {
				return err
			}
			cur.Status, cur.Captured, cur.Refunded, cur.RefundPending, cur.InFlight = payment.PartiallyRefunded, 400, 100, 50, "re_1"
			cur.Card = payment.Card{Brand: "mastercard", First6: "555555", Last4: "4444", ExpMonth: 1, ExpYear: 2031, Holder: "J", Fingerprint: "fp2"}
			cur.ProcessorRef, cur.FailureCode, cur.FailureMessage = "sbx_2", "fc", "fm"
			cur.NextAction, cur.UpdatedAt = &payment.NextAction{Type: "redirect_to_url", RedirectURL: "https://y"}, later
			*p = *cur
			if err := tx.UpdatePayment(ctx, cur); err != nil {
				return err
			}
			o, err := tx.GetOperationForUpdate(ctx, m.ID, payment.Sandbox, op.ID)
			if err != nil {
				return err
			}
			o.Status, o.Amount, o.ProcessorRef, o.FailureCode, o.FailureMessage, o.UpdatedAt = payment.OpSucceeded, 400, "cap_1", "x", "y", later
			*op = *o
			return tx.UpdateOperation(ctx, o)
		})
		got, err := st.GetPayment(ctx, m.ID, payment.Sandbox, p.ID)
		if err != nil || !reflect.DeepEqual(got, p) {
			t.Fatalf("updated payment:\n got %+v\nwant %+v (%v)", got, p, err)
		}
		ops, err := st.ListOperations(ctx, m.ID, payment.Sandbox, p.ID)
		if err != nil || len(ops) != 1 || !reflect.DeepEqual(ops[0], op) {
			t.Fatalf("updated operation: %+v %v", ops, err)
		}
		err = st.Update(ctx, func(tx engine.Tx) error {
			_, err := tx.GetOperationForUpdate(ctx, m.ID, payment.Live, op.ID)
			return err
		})
		if fault.KindOf(err) != fault.NotFound {
			t.Fatalf("operation of another mode: %v", err)
		}
		stranger := *op
		stranger.MerchantID = "mer_other"
		if err := st.Update(ctx, func(tx engine.Tx) error { return tx.UpdateOperation(ctx, &stranger) }); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("update of another merchant's operation: %v", err)
		}
	})

	t.Run("operations are listed oldest first even within one millisecond", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		p := newPayment(m, payment.Sandbox)
		insert(t, st, p)
		first := newOperation(p, payment.OpSale, payment.OpSucceeded, now)
		second := newOperation(p, payment.OpRefund, payment.OpSucceeded, now.Add(time.Microsecond))
		// Same millisecond: force the later operation's id to sort first.
		first.ID, second.ID = "op_"+"01zzzzzzzzzzzzzzzzzzzzzzzz", "op_"+"01aaaaaaaaaaaaaaaaaaaaaaaa"
		update(t, st, func(tx engine.Tx) error {
			if err := tx.InsertOperation(ctx, second); err != nil {
				return err
			}
			return tx.InsertOperation(ctx, first)
		})
		ops, err := st.ListOperations(ctx, m.ID, payment.Sandbox, p.ID)
		if err != nil || len(ops) != 2 || ops[0].ID != first.ID {
			t.Fatalf("order: %v %v", ops, err)
		}
	})

	t.Run("an outcome writes payment, operation, postings and answer together or not at all", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		p := newPayment(m, payment.Sandbox)
		op := newOperation(p, payment.OpSale, payment.OpSucceeded, now)
		post := ledger.Sale(p, op.ID, p.Amount)
		post.ID, post.CreatedAt = id.New("pst"), now
		done := now.Add(time.Second)
		rec := &engine.IdempotencyRecord{MerchantID: m.ID, Mode: payment.Sandbox, Key: "outcome", Fingerprint: "f", State: engine.IdemInProgress, ResourceID: p.ID, CreatedAt: now}
		update(t, st, func(tx engine.Tx) error {
			if _, err := tx.InsertIdempotency(ctx, rec); err != nil {
				return err
			}
			rec.State, rec.ResponseStatus, rec.ResponseBody, rec.CompletedAt = engine.IdemCompleted, 201, []byte(`{}`), &done
			ev := &webhook.Event{ID: id.New("evt"), MerchantID: m.ID, Mode: payment.Sandbox, Type: "payment.captured", ObjectID: p.ID,
				Sequence: 1, Payload: []byte(`{"id":"evt"}`), NotifyURL: "https://n.test/x", CreatedAt: now}
			return tx.InsertOutcome(ctx, p, op, []ledger.Posting{post}, []*webhook.Event{ev}, rec)
		})
		if evs, err := st.ListEvents(ctx, engine.EventFilter{MerchantID: m.ID, Mode: payment.Sandbox, ObjectID: p.ID, Limit: 5}); err != nil ||
			len(evs) != 1 || evs[0].NotifyURL != "https://n.test/x" || string(evs[0].Payload) != `{"id":"evt"}` {
			t.Fatalf("the outcome's event: %+v %v", evs, err)
		}
		got, err := st.GetPayment(ctx, m.ID, payment.Sandbox, p.ID)
		if err != nil || !reflect.DeepEqual(got, p) {
			t.Fatalf("payment: %+v %v", got, err)
		}
		if ops, _ := st.ListOperations(ctx, m.ID, payment.Sandbox, p.ID); len(ops) != 1 || !reflect.DeepEqual(ops[0], op) {
			t.Fatalf("operation: %+v", ops)
		}
		if bal, _ := st.Balances(ctx, m.ID, payment.Sandbox); len(bal) != 2 {
			t.Fatalf("balances: %+v", bal)
		}
		update(t, st, func(tx engine.Tx) error {
			r, err := tx.GetIdempotency(ctx, m.ID, payment.Sandbox, "outcome")
			if err != nil || !reflect.DeepEqual(r, rec) {
				t.Errorf("answer:\n got %+v\nwant %+v (%v)", r, rec, err)
			}
			return nil
		})
		// An operation alone, no postings, no key.
		void := newOperation(p, payment.OpVoid, payment.OpFailed, now.Add(time.Second))
		update(t, st, func(tx engine.Tx) error { return tx.InsertOutcome(ctx, nil, void, nil, nil, nil) })
		if ops, _ := st.ListOperations(ctx, m.ID, payment.Sandbox, p.ID); len(ops) != 2 {
			t.Fatalf("operations after a bare outcome: %d", len(ops))
		}
		// A duplicate operation id fails the statement: the new payment must not stay.
		q := newPayment(m, payment.Sandbox)
		if err := st.Update(ctx, func(tx engine.Tx) error { return tx.InsertOutcome(ctx, q, op, nil, nil, nil) }); err == nil {
			t.Fatal("duplicate operation accepted")
		}
		if _, err := st.GetPayment(ctx, m.ID, payment.Sandbox, q.ID); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("payment of a failed outcome kept: %v", err)
		}
	})

	t.Run("unresolved payments and pending operations are found by age", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		old, recent := now.Add(-time.Hour), now
		var want []*payment.Payment
		for _, c := range []struct {
			status payment.Status
			at     time.Time
		}{{payment.Processing, old}, {payment.Processing, recent}, {payment.Pending, old}, {payment.Authorized, old}} {
			p := newPayment(m, payment.Live)
			p.Status, p.UpdatedAt = c.status, c.at
			insert(t, st, p)
			want = append(want, p)
		}
		cut := now.Add(-time.Minute)
		for status, n := range map[payment.Status]int{payment.Processing: 1, payment.Pending: 1, payment.Authorized: 1, payment.Captured: 0} {
			ps, err := st.PaymentsInStatus(ctx, status, cut, 10)
			if err != nil || len(ps) != n {
				t.Errorf("%s: %d payments, want %d (%v)", status, len(ps), n, err)
			}
		}
		p := want[3]
		update(t, st, func(tx engine.Tx) error {
			for _, op := range []*payment.Operation{
				newOperation(p, payment.OpCapture, payment.OpPending, old),
				newOperation(p, payment.OpRefund, payment.OpPending, recent),
				newOperation(p, payment.OpAuthorize, payment.OpPending, old),
				newOperation(p, payment.OpVoid, payment.OpSucceeded, old),
			} {
				if err := tx.InsertOperation(ctx, op); err != nil {
					return err
				}
			}
			return nil
		})
		ops, err := st.PendingOperations(ctx, cut, 10)
		if err != nil || len(ops) != 1 || ops[0].Kind != payment.OpCapture {
			t.Fatalf("pending operations: %+v %v", ops, err)
		}
	})

	t.Run("a panicking or cancelled transaction fails alone", func(t *testing.T) {
		st, _ := open(t)
		m := newMerchant(t, st)
		err := st.Update(ctx, func(tx engine.Tx) error {
			if err := tx.InsertPayment(ctx, newPayment(m, payment.Sandbox)); err != nil {
				return err
			}
			panic("bug")
		})
		if err == nil {
			t.Fatal("a panicking function succeeded")
		}
		if ps, _ := st.ListPayments(ctx, engine.PaymentFilter{MerchantID: m.ID, Mode: payment.Sandbox}); len(ps) != 0 {
			t.Fatalf("a panicking function kept %d payments", len(ps))
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		called := false
		err = st.Update(cancelled, func(tx engine.Tx) error { called = true; return nil })
		if !errors.Is(err, context.Canceled) || called {
			t.Fatalf("cancelled caller: %v, called %v", err, called)
		}
		insert(t, st, newPayment(m, payment.Sandbox)) // the store still works
		update(t, st, func(tx engine.Tx) error {
			r, err := tx.GetIdempotency(ctx, m.ID, payment.Sandbox, "never-used")
			if r != nil || err != nil {
				t.Errorf("unknown key: %+v %v", r, err)
			}
			return nil
		})
	})
}
