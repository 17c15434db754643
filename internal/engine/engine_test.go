package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

func code(err error) string {
	if err == nil {
		return ""
	}
	return fault.As(err).Code
}

func TestASaleIsCapturedAndBooked(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		p := f.pay(t, 1099, payment.CaptureAutomatic)
		if p.Status != payment.Captured || p.Authorized != 1099 || p.Captured != 1099 || p.Card.Last4 != "4242" || p.Card.First6 != "424242" {
			t.Fatalf("sale: %+v", p)
		}
		bal, err := f.e.Balance(context.Background(), f.actor)
		if err != nil || len(bal) != 1 || bal[0].Available != 1099 || bal[0].Held != 0 {
			t.Fatalf("balance %+v, %v", bal, err)
		}
		f.verifyLedger(t)
	})
}

func TestAuthorizeCapturePartRefundTwiceVoidAnother(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		ctx := context.Background()
		p := f.pay(t, 5000, payment.CaptureManual)
		if p.Status != payment.Authorized {
			t.Fatalf("authorize: %s", p.Status)
		}
		if _, _, err := f.e.Capture(ctx, f.actor, p.ID, ptr(6000), nil); code(err) != "amount_too_large" {
			t.Fatalf("capture above authorized: %v", err)
		}
		p, _, err := f.e.Capture(ctx, f.actor, p.ID, ptr(3000), nil)
		if err != nil || p.Status != payment.Captured || p.Captured != 3000 {
			t.Fatalf("partial capture: %+v %v", p, err)
		}
		if _, _, err := f.e.Capture(ctx, f.actor, p.ID, nil, nil); code(err) != "payment_not_capturable" {
			t.Fatalf("second capture: %v", err)
		}
		r1, p, _, err := f.e.Refund(ctx, f.actor, p.ID, engine.RefundInput{Amount: ptr(1000)}, nil)
		if err != nil || r1.Status != payment.OpSucceeded || p.Status != payment.PartiallyRefunded {
			t.Fatalf("refund 1: %+v %+v %v", r1, p, err)
		}
		if _, _, _, err := f.e.Refund(ctx, f.actor, p.ID, engine.RefundInput{Amount: ptr(2001)}, nil); code(err) != "amount_too_large" {
			t.Fatalf("refund above captured: %v", err)
		}
		_, p, _, err = f.e.Refund(ctx, f.actor, p.ID, engine.RefundInput{}, nil)
		if err != nil || p.Status != payment.Refunded || p.Refunded != 3000 {
			t.Fatalf("refund rest: %+v %v", p, err)
		}
		if _, _, _, err := f.e.Refund(ctx, f.actor, p.ID, engine.RefundInput{}, nil); code(err) != "payment_not_refundable" {
			t.Fatalf("refund after full: %v", err)
		}
		q := f.pay(t, 700, payment.CaptureManual)
		q, _, err = f.e.Void(ctx, f.actor, q.ID, nil)
		if err != nil || q.Status != payment.Voided {
			t.Fatalf("void: %+v %v", q, err)
		}
		if _, _, err := f.e.Capture(ctx, f.actor, q.ID, nil, nil); code(err) != "payment_not_capturable" {
			t.Fatalf("capture after void: %v", err)
		}
		_, ops, err := f.e.GetPayment(ctx, f.actor, p.ID)
		if err != nil || len(ops) != 4 { // authorize, capture, refund, refund (the refused ones were never recorded)
			t.Fatalf("history: %d ops, %v", len(ops), err)
		}
		f.verifyLedger(t)
	})
}

func TestHundredConcurrentPartialRefundsNeverExceedTheCapturedAmount(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		p := f.pay(t, 1000, payment.CaptureAutomatic)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, tooLarge := 0, 0
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, _, err := f.e.Refund(context.Background(), f.actor, p.ID, engine.RefundInput{Amount: ptr(15)}, nil)
				mu.Lock()
				defer mu.Unlock()
				switch code(err) {
				case "":
					ok++
				case "amount_too_large":
					tooLarge++
				default:
					t.Errorf("unexpected: %v", err)
				}
			}()
		}
		wg.Wait()
		got, _, _ := f.e.GetPayment(context.Background(), f.actor, p.ID)
		if ok != 66 || tooLarge != 34 || got.Refunded != 990 || f.proc.refunds.Load() != 66 {
			t.Fatalf("ok %d, refused %d, refunded %d, processor refunds %d", ok, tooLarge, got.Refunded, f.proc.refunds.Load())
		}
		f.verifyLedger(t)
	})
}

func TestConcurrentCapturesOfOneAuthorizationCaptureOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		p := f.pay(t, 1000, payment.CaptureManual)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := f.e.Capture(context.Background(), f.actor, p.ID, ptr(400), nil)
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else if c := code(err); c != "payment_not_capturable" && c != "operation_in_progress" {
					t.Errorf("unexpected: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || f.proc.captures.Load() != 1 {
			t.Fatalf("%d captures succeeded, processor asked %d times", ok, f.proc.captures.Load())
		}
		f.verifyLedger(t)
	})
}

func TestFiftyConcurrentIdenticalRequestsChargeOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		render := func(r engine.Result, err error) (int, []byte) {
			if err != nil {
				return 500, []byte(err.Error())
			}
			return 201, []byte(r.Payment.ID)
		}
		idem := func() *engine.Idempotency {
			return &engine.Idempotency{Key: "order-1", Fingerprint: "same-body", Render: render}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ids := map[string]int{}
		inUse := 0
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, replay, err := f.e.CreatePayment(context.Background(), f.actor, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Card: visa()}, idem())
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil && code(err) == "idempotency_key_in_use":
					inUse++
				case err != nil:
					t.Errorf("unexpected: %v", err)
				case replay != nil:
					ids[string(replay.Body)]++
				default:
					ids[p.ID]++
				}
			}()
		}
		wg.Wait()
		list, _, err := f.e.ListPayments(context.Background(), f.actor, engine.PaymentFilter{Limit: 100})
		if err != nil || len(list) != 1 || len(ids) != 1 || f.proc.authorizes.Load() != 1 {
			t.Fatalf("payments %d, distinct answers %v, 409s %d, processor calls %d, %v", len(list), ids, inUse, f.proc.authorizes.Load(), err)
		}
		// Same key, another body: 422-kind mismatch, nothing charged.
		other := idem()
		other.Fingerprint = "other-body"
		if _, _, err := f.e.CreatePayment(context.Background(), f.actor, engine.CreatePaymentInput{Amount: 200, Currency: "EUR", Card: visa()}, other); fault.KindOf(err) != fault.IdempotencyMismatch {
			t.Fatalf("reused key with other body: %v", err)
		}
		if f.proc.authorizes.Load() != 1 {
			t.Fatal("processor called again")
		}
	})
}

func TestDeclinesFailThePaymentWithoutMovingMoney(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		proc := &fakeProcessor{authorize: func(req connector.AuthorizeRequest) (connector.Result, error) {
			return connector.Result{Outcome: connector.Declined, DeclineCode: "insufficient_funds", Message: "Your card has insufficient funds."}, nil
		}}
		f := newFixture(t, st, proc)
		p := f.pay(t, 900, payment.CaptureAutomatic)
		if p.Status != payment.Failed || p.FailureCode != "insufficient_funds" || p.Captured != 0 {
			t.Fatalf("declined: %+v", p)
		}
		if _, _, _, err := f.e.Refund(context.Background(), f.actor, p.ID, engine.RefundInput{}, nil); code(err) != "payment_not_refundable" {
			t.Fatalf("refund of failed payment: %v", err)
		}
		bal, _ := f.e.Balance(context.Background(), f.actor)
		if len(bal) != 0 {
			t.Fatalf("balance after decline: %+v", bal)
		}
		f.verifyLedger(t)
	})
}

func TestATimeoutAfterAuthorizingIsResolvedByLookupNotByChargingAgain(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		proc := &fakeProcessor{}
		proc.authorize = func(req connector.AuthorizeRequest) (connector.Result, error) {
			// The processor authorizes, but its answer is lost on the way back.
			return connector.Result{Outcome: connector.Approved, ProcessorRef: "fk_" + req.PaymentID, Captured: req.Capture},
				&connector.Error{Class: connector.Timeout}
		}
		f := newFixture(t, st, proc)
		p := f.pay(t, 1200, payment.CaptureAutomatic)
		if p.Status != payment.Captured || proc.authorizes.Load() != 1 {
			t.Fatalf("after timeout: %s, %d authorizations", p.Status, proc.authorizes.Load())
		}
		f.verifyLedger(t)
	})
}

func TestAnUnknownOutcomeStaysProcessingUntilRecoveryAsksTheProcessor(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		proc := &fakeProcessor{}
		unknown := true
		var mu sync.Mutex
		proc.authorize = func(req connector.AuthorizeRequest) (connector.Result, error) {
			return connector.Result{}, &connector.Error{Class: connector.Timeout}
		}
		proc.status = func(req connector.StatusRequest) (connector.Result, error) {
			mu.Lock()
			defer mu.Unlock()
			if unknown {
				return connector.Result{}, &connector.Error{Class: connector.Timeout}
			}
			return connector.Result{Outcome: connector.Approved, ProcessorRef: "late", Captured: true}, nil
		}
		f := newFixture(t, st, proc)
		render := func(r engine.Result, err error) (int, []byte) { return 201, []byte(string(r.Payment.Status)) }
		idem := &engine.Idempotency{Key: "k", Fingerprint: "f", Render: render}
		in := engine.CreatePaymentInput{Amount: 800, Currency: "EUR", Card: visa()}
		p, _, err := f.e.CreatePayment(context.Background(), f.actor, in, idem)
		if err != nil || p.Status != payment.Processing {
			t.Fatalf("unknown outcome: %+v %v", p, err)
		}
		if _, _, err := f.e.CreatePayment(context.Background(), f.actor, in, idem); code(err) != "idempotency_key_in_use" {
			t.Fatalf("retry while unresolved: %v", err)
		}
		mu.Lock()
		unknown = false
		mu.Unlock()
		if n, err := f.e.Recover(context.Background(), 0, 0); err != nil || n != 1 {
			t.Fatalf("recover: %d %v", n, err)
		}
		_, replay, err := f.e.CreatePayment(context.Background(), f.actor, in, idem)
		if err != nil || replay == nil || string(replay.Body) != "captured" || proc.authorizes.Load() != 1 {
			t.Fatalf("retry after recovery: %+v %v (authorizations %d)", replay, err, proc.authorizes.Load())
		}
		f.verifyLedger(t)
	})
}

func TestAReapedKeyStartsANewRequest(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		clock := time.Now()
		e, _ := engine.New(engine.Config{Store: st, Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: f.proc},
			Now: func() time.Time { return clock }})
		idem := func() *engine.Idempotency {
			return &engine.Idempotency{Key: "k", Fingerprint: "f", Render: func(r engine.Result, err error) (int, []byte) { return 201, []byte(r.Payment.ID) }}
		}
		in := engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Card: visa()}
		first, _, err := e.CreatePayment(context.Background(), f.actor, in, idem())
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.ReapIdempotencyKeys(context.Background(), time.Hour); err == nil {
			t.Fatal("a retention under 24 hours was accepted")
		}
		clock = clock.Add(23*time.Hour + 59*time.Minute)
		if _, replay, _ := e.CreatePayment(context.Background(), f.actor, in, idem()); replay == nil || string(replay.Body) != first.ID {
			t.Fatal("key not honoured within 24 hours")
		}
		clock = clock.Add(49 * time.Hour)
		if n, _, err := e.ReapIdempotencyKeys(context.Background(), 72*time.Hour); err != nil || n != 1 {
			t.Fatalf("reaped %d, %v", n, err)
		}
		second, replay, err := e.CreatePayment(context.Background(), f.actor, in, idem())
		if err != nil || replay != nil || second.ID == first.ID {
			t.Fatalf("after reaping: %v %v %v", second, replay, err)
		}
	})
}

func TestObjectsOfOtherMerchantsAndModesAreNotFound(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		g := newFixture(t, st, nil)
		p := f.pay(t, 100, payment.CaptureManual)
		ctx := context.Background()
		live := engine.Actor{MerchantID: f.actor.MerchantID, Mode: payment.Live}
		for _, a := range []engine.Actor{g.actor, live} {
			if _, _, err := f.e.GetPayment(ctx, a, p.ID); fault.KindOf(err) != fault.NotFound {
				t.Errorf("get as %+v: %v", a, err)
			}
		}
		if _, _, err := g.e.Capture(ctx, g.actor, p.ID, nil, nil); fault.KindOf(err) != fault.NotFound {
			t.Errorf("capture by another merchant: %v", err)
		}
		if _, _, _, err := g.e.Refund(ctx, g.actor, p.ID, engine.RefundInput{}, nil); fault.KindOf(err) != fault.NotFound {
			t.Errorf("refund by another merchant: %v", err)
		}
		if _, _, err := g.e.Void(ctx, g.actor, p.ID, nil); fault.KindOf(err) != fault.NotFound {
			t.Errorf("void by another merchant: %v", err)
		}
	})
}

func TestValidationNamesTheFieldAndRecordsNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		cases := []struct {
			name  string
			in    engine.CreatePaymentInput
			param string
		}{
			{"zero amount", engine.CreatePaymentInput{Amount: 0, Currency: "EUR", Card: visa()}, "amount"},
			{"unknown currency", engine.CreatePaymentInput{Amount: 1, Currency: "XXY", Card: visa()}, "currency"},
			{"bad capture", engine.CreatePaymentInput{Amount: 1, Currency: "EUR", CaptureMethod: "later", Card: visa()}, "capture"},
			{"no card", engine.CreatePaymentInput{Amount: 1, Currency: "EUR"}, "payment_method"},
			{"luhn", engine.CreatePaymentInput{Amount: 1, Currency: "EUR", Card: &engine.CardInput{Number: "4242424242424241", ExpMonth: 1, ExpYear: 2030}}, "payment_method.card.number"},
			{"expired", engine.CreatePaymentInput{Amount: 1, Currency: "EUR", Card: &engine.CardInput{Number: "4242424242424242", ExpMonth: 1, ExpYear: 2020}}, "payment_method.card.exp_year"},
			{"bad cvc", engine.CreatePaymentInput{Amount: 1, Currency: "EUR", Card: &engine.CardInput{Number: "4242424242424242", ExpMonth: 1, ExpYear: 2030, CVC: "12"}}, "payment_method.card.cvc"},
		}
		for _, c := range cases {
			_, _, err := f.e.CreatePayment(context.Background(), f.actor, c.in, nil)
			if fe := fault.As(err); fe.Kind != fault.Invalid || fe.Param != c.param {
				t.Errorf("%s: %v (param %q, want %q)", c.name, err, fe.Param, c.param)
			}
		}
		list, _, _ := f.e.ListPayments(context.Background(), f.actor, engine.PaymentFilter{})
		if len(list) != 0 || f.proc.authorizes.Load() != 0 {
			t.Fatalf("invalid requests recorded %d payments, %d processor calls", len(list), f.proc.authorizes.Load())
		}
	})
}

func TestPendingPaymentsAreResolvedByPollingTheProcessor(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		var mu sync.Mutex
		outcome := connector.Pending
		proc := &fakeProcessor{
			authorize: func(req connector.AuthorizeRequest) (connector.Result, error) {
				return connector.Result{Outcome: connector.Pending, ProcessorRef: "pend"}, nil
			},
			status: func(req connector.StatusRequest) (connector.Result, error) {
				mu.Lock()
				defer mu.Unlock()
				return connector.Result{Outcome: outcome, ProcessorRef: "pend", Captured: true, DeclineCode: "generic_decline"}, nil
			},
		}
		clock := time.Now()
		f := newFixtureAt(t, st, proc, func() time.Time { mu.Lock(); defer mu.Unlock(); return clock })
		ok := f.pay(t, 600, payment.CaptureAutomatic)
		if ok.Status != payment.Pending {
			t.Fatalf("pending: %s", ok.Status)
		}
		polls := proc.statuses.Load()
		lookups := func() int64 {
			for i := 0; i < 3; i++ {
				if n, _ := f.e.Recover(context.Background(), time.Hour, 0); n != 0 {
					t.Fatalf("resolved %d while the processor still says pending", n)
				}
			}
			n := proc.statuses.Load() - polls
			polls += n
			return n
		}
		if n := lookups(); n != 0 {
			t.Fatalf("%d lookups at once: the first waits 2 s", n)
		}
		mu.Lock()
		clock = clock.Add(2 * time.Second)
		mu.Unlock()
		if n := lookups(); n != 1 {
			t.Fatalf("%d lookups in a row after 2 s: the backoff allows one", n)
		}
		mu.Lock()
		outcome = connector.Approved
		clock = clock.Add(3 * time.Second)
		mu.Unlock()
		if n, err := f.e.Recover(context.Background(), time.Hour, 0); err != nil || n != 1 {
			t.Fatalf("recover: %d %v", n, err)
		}
		got, ops, _ := f.e.GetPayment(context.Background(), f.actor, ok.ID)
		if got.Status != payment.Captured || got.Captured != 600 || len(ops) != 1 || ops[0].Status != payment.OpSucceeded || proc.authorizes.Load() != 1 {
			t.Fatalf("after resolution: %+v %+v", got, ops)
		}
		f.verifyLedger(t)
	})
}

func TestFollowUpsWhoseAnswerWasLostAreResolvedByStatusLookup(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		var mu sync.Mutex
		arrived := map[string]bool{} // operation ids the processor actually acted on
		proc := &fakeProcessor{}
		proc.followUp = func(opID string) (connector.Result, error) {
			mu.Lock()
			defer mu.Unlock()
			if len(arrived) == 0 {
				arrived[opID] = true // the refund happens, its answer is lost
			}
			return connector.Result{}, &connector.Error{Class: connector.Timeout}
		}
		proc.status = func(req connector.StatusRequest) (connector.Result, error) {
			mu.Lock()
			defer mu.Unlock()
			if req.OperationID == "" {
				return connector.Result{Outcome: connector.Approved, Captured: true}, nil
			}
			if arrived[req.OperationID] {
				return connector.Result{Outcome: connector.Approved, ProcessorRef: "late"}, nil
			}
			return connector.Result{Outcome: connector.NotFound}, nil
		}
		f := newFixture(t, st, proc)
		ctx := context.Background()
		p := f.pay(t, 1000, payment.CaptureAutomatic)
		// First refund: performed by the processor, answer lost.
		if _, _, _, err := f.e.Refund(ctx, f.actor, p.ID, engine.RefundInput{Amount: ptr(400)}, nil); code(err) != "processor_timeout" {
			t.Fatalf("refund 1: %v", err)
		}
		// Second refund: never reached the processor.
		if _, _, _, err := f.e.Refund(ctx, f.actor, p.ID, engine.RefundInput{Amount: ptr(500)}, nil); code(err) != "processor_timeout" {
			t.Fatalf("refund 2: %v", err)
		}
		got, _, _ := f.e.GetPayment(ctx, f.actor, p.ID)
		if got.Refundable() != 100 {
			t.Fatalf("unresolved refunds must stay reserved: refundable %d", got.Refundable())
		}
		if n, err := f.e.Recover(ctx, 0, time.Hour); err != nil || n != 2 {
			t.Fatalf("recover: %d %v", n, err)
		}
		got, ops, _ := f.e.GetPayment(ctx, f.actor, p.ID)
		if got.Refunded != 400 || got.RefundPending != 0 || got.Status != payment.PartiallyRefunded || got.Refundable() != 600 {
			t.Fatalf("after recovery: %+v", got)
		}
		statuses := map[payment.OpStatus]int{}
		for _, op := range ops {
			statuses[op.Status]++
		}
		if statuses[payment.OpSucceeded] != 2 || statuses[payment.OpFailed] != 1 {
			t.Fatalf("operations: %v", statuses)
		}
		f.verifyLedger(t)
	})
}

// TestPendingPaymentsExpire: a payment the processor leaves pending past the
// pending lifetime expires, with its event, and moves no money.
func TestPendingPaymentsExpire(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		var mu sync.Mutex
		clock := time.Now()
		proc := &fakeProcessor{
			authorize: func(req connector.AuthorizeRequest) (connector.Result, error) {
				return connector.Result{Outcome: connector.Pending, ProcessorRef: "pend"}, nil
			},
			status: func(req connector.StatusRequest) (connector.Result, error) {
				return connector.Result{Outcome: connector.Pending, ProcessorRef: "pend"}, nil
			},
		}
		f := newFixtureAt(t, st, proc, func() time.Time { mu.Lock(); defer mu.Unlock(); return clock })
		p := f.pay(t, 600, payment.CaptureAutomatic)
		mu.Lock()
		clock = clock.Add(8 * 24 * time.Hour)
		mu.Unlock()
		if n, err := f.e.Recover(context.Background(), time.Hour, 0); err != nil || n != 1 {
			t.Fatalf("recover: %d %v", n, err)
		}
		got, _, _ := f.e.GetPayment(context.Background(), f.actor, p.ID)
		if got.Status != payment.Expired || got.FailureCode != "pending_expired" {
			t.Fatalf("after the pending lifetime: %+v", got)
		}
		evs, _ := f.e.ListEvents(context.Background(), f.actor, engine.EventFilter{ObjectID: p.ID, Limit: 10})
		if len(evs) != 2 || evs[0].Type != "payment.expired" || evs[1].Type != "payment.pending" {
			t.Fatalf("events %v", evs)
		}
		f.verifyLedger(t)
	})
}
