package engine_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// inProcessFake is the fake processor declared in-process, as the sandbox
// is: payments at it are decided before their transaction.
type inProcessFake struct{ *fakeProcessor }

func (inProcessFake) InProcess() bool { return true }

var _ connector.InProcess = inProcessFake{}

func inProcessEngine(t *testing.T, st engine.Store, proc *fakeProcessor, kr *vault.Keyring) *engine.Engine {
	t.Helper()
	e, err := engine.New(engine.Config{Store: st, Keyring: kr, Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: inProcessFake{proc}}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// keyed is an Idempotency-Key whose answer is the payment's id and status.
func keyed(key string) *engine.Idempotency {
	return &engine.Idempotency{Key: key, Fingerprint: "POST /v1/payments body-1", Render: func(r engine.Result, err error) (int, []byte) {
		b, _ := json.Marshal(map[string]string{"id": r.Payment.ID, "status": string(r.Payment.Status)})
		return 200, b
	}}
}

// answerOf is what a client would have received: the first answer or its replay.
func answerOf(t *testing.T, idem *engine.Idempotency, p *payment.Payment, replay *engine.Replay, err error) string {
	t.Helper()
	if err != nil {
		t.Error(err)
		return ""
	}
	if replay != nil {
		return string(replay.Body)
	}
	_, b := idem.Render(engine.Result{Payment: p}, nil)
	return string(b)
}

// TestDecidedSaleAsksOnceUnderConcurrentRetries: 50 identical keyed sales
// at an in-process processor at once. The key is held in the process while
// the first decides, so the processor is asked once, one payment exists,
// and all 50 clients get the same answer.
func TestDecidedSaleAsksOnceUnderConcurrentRetries(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		proc := &fakeProcessor{}
		e := inProcessEngine(t, st, proc, vault.Ephemeral())
		ctx := context.Background()
		m, _, err := e.CreateMerchant(ctx, "Shop")
		if err != nil {
			t.Fatal(err)
		}
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		answers := make([]string, 50)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				idem := keyed("order-7")
				p, replay, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 1500, Currency: "EUR", Card: visa()}, idem)
				answers[i] = answerOf(t, idem, p, replay, err)
			}()
		}
		wg.Wait()
		for i, got := range answers {
			if got != answers[0] {
				t.Fatalf("answer %d is %s, answer 0 %s", i, got, answers[0])
			}
		}
		if n := proc.authorizes.Load(); n != 1 {
			t.Fatalf("processor asked %d times", n)
		}
		ps, err := st.ListPayments(ctx, engine.PaymentFilter{MerchantID: m.ID, Mode: payment.Sandbox, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].Status != payment.Captured {
			t.Fatalf("payments: %d (want 1 captured)", len(ps))
		}
		(&fixture{e: e, st: st}).verifyLedger(t)
	})
}

// TestDecidedSaleKeyRaceAcrossProcesses: two processes on one database,
// each with its own in-process processor, take the same keyed sale at once.
// Neither process's hold on the key keeps the other out; the key written
// with the outcome does: one payment, one ledger entry, and every client
// gets that payment's answer.
func TestDecidedSaleKeyRaceAcrossProcesses(t *testing.T) {
	eachTwoProcesses(t, func(t *testing.T, st1, st2 engine.Store) {
		kr := vault.Ephemeral()
		p1, p2 := &fakeProcessor{}, &fakeProcessor{}
		es := []*engine.Engine{inProcessEngine(t, st1, p1, kr), inProcessEngine(t, st2, p2, kr)}
		ctx := context.Background()
		m, _, err := es[0].CreateMerchant(ctx, "Shop")
		if err != nil {
			t.Fatal(err)
		}
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		for round := 0; round < 10; round++ {
			key := "race-" + string(rune('a'+round))
			answers := make([]string, 16)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range answers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					idem := keyed(key)
					p, replay, err := es[i%2].CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 700, Currency: "EUR", Card: visa()}, idem)
					answers[i] = answerOf(t, idem, p, replay, err)
				}()
			}
			close(start)
			wg.Wait()
			for i, got := range answers {
				if got != answers[0] {
					t.Fatalf("round %d: answer %d is %s, answer 0 %s", round, i, got, answers[0])
				}
			}
		}
		ps, err := st1.ListPayments(ctx, engine.PaymentFilter{MerchantID: m.ID, Mode: payment.Sandbox, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 10 {
			t.Fatalf("%d payments for 10 keys", len(ps))
		}
		if n := p1.authorizes.Load() + p2.authorizes.Load(); n < 10 || n > 20 {
			t.Fatalf("processors asked %d times for 10 keys (each process at most once per key)", n)
		}
		(&fixture{e: es[0], st: st1}).verifyLedger(t)
	})
}

// TestDecidedSaleRetriedLaterAndAfterARestart: a keyed sale retried one at
// a time. The process remembers the key, so its retries replay the stored
// answer without asking the processor again; a process started afterwards
// on the same database (a restart) does not know the key, and its retry
// still answers the first payment and writes nothing.
func TestDecidedSaleRetriedLaterAndAfterARestart(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		kr := vault.Ephemeral()
		proc := &fakeProcessor{}
		e := inProcessEngine(t, st, proc, kr)
		ctx := context.Background()
		m, _, err := e.CreateMerchant(ctx, "Shop")
		if err != nil {
			t.Fatal(err)
		}
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		sale := func(e *engine.Engine) (string, *engine.Replay) {
			idem := keyed("order-9")
			p, replay, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 2500, Currency: "EUR", Card: visa()}, idem)
			return answerOf(t, idem, p, replay, err), replay
		}
		first, replay := sale(e)
		if replay != nil {
			t.Fatal("the first request was answered as a replay")
		}
		for i := 0; i < 3; i++ {
			if got, replay := sale(e); got != first || replay == nil {
				t.Fatalf("retry %d answered %s (replay %v), first %s", i, got, replay != nil, first)
			}
		}
		if n := proc.authorizes.Load(); n != 1 {
			t.Fatalf("processor asked %d times by one process", n)
		}
		restarted := inProcessEngine(t, st, &fakeProcessor{}, kr)
		if got, replay := sale(restarted); got != first || replay == nil {
			t.Fatalf("after a restart the retry answered %s (replay %v), first %s", got, replay != nil, first)
		}
		ps, err := st.ListPayments(ctx, engine.PaymentFilter{MerchantID: m.ID, Mode: payment.Sandbox, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].Amount != 2500 {
			t.Fatalf("%d payments for one key", len(ps))
		}
		(&fixture{e: e, st: st}).verifyLedger(t)
	})
}

// TestATokenSaleRetriedAfterARestartReplays: a sale paid with a single-use
// token, retried by a process that does not remember its key, replays the
// first answer instead of answering token_used.
func TestATokenSaleRetriedAfterARestartReplays(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		kr := vault.Ephemeral()
		e := inProcessEngine(t, st, &fakeProcessor{}, kr)
		ctx := context.Background()
		m, _, err := e.CreateMerchant(ctx, "Shop")
		if err != nil {
			t.Fatal(err)
		}
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		tok, err := e.CreateToken(ctx, a, *visa())
		if err != nil {
			t.Fatal(err)
		}
		sale := func(e *engine.Engine) (string, *engine.Replay) {
			idem := keyed("order-tok")
			p, replay, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 900, Currency: "EUR", Token: tok.Method.ID, TokenKey: tok.Key}, idem)
			return answerOf(t, idem, p, replay, err), replay
		}
		first, replay := sale(e)
		if replay != nil || first == "" {
			t.Fatalf("first answer %q (replay %v)", first, replay != nil)
		}
		if got, replay := sale(inProcessEngine(t, st, &fakeProcessor{}, kr)); got != first || replay == nil {
			t.Fatalf("after a restart the retry answered %q (replay %v), first %q", got, replay != nil, first)
		}
	})
}
