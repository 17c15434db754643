package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/routing"
	"github.com/paygate/paygate/internal/vault"
)

// acquirer is a processor reached through configurations ("acq"); each
// configuration gets its own, found by the configuration's code.
type acquirer struct {
	*fakeProcessor
}

func (a acquirer) Name() string { return "acq" }

// slowAcquirer honours its deadline and never answers in time.
type slowAcquirer struct{ acquirer }

func (s slowAcquirer) Authorize(ctx context.Context, req connector.AuthorizeRequest) (connector.Result, error) {
	s.authorizes.Add(1)
	<-ctx.Done()
	return connector.Result{}, &connector.Error{Class: connector.Timeout, Err: ctx.Err()}
}

type recordedCall struct{ connector, config, operation, outcome string }

type callLog struct {
	mu    sync.Mutex
	calls []recordedCall
}

func (l *callLog) ConnectorCall(conn, config, op, outcome string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, recordedCall{conn, config, op, outcome})
}

type routingFixture struct {
	*fixture
	procs map[string]*fakeProcessor
	slow  map[string]bool
	creds map[string]map[string]string
	calls *callLog
	now   time.Time
	mu    sync.Mutex
	// wrap, if set, dresses each configuration's connector.
	wrap func(acquirer) connector.Connector
}

func newRoutingFixture(t *testing.T, st engine.Store) *routingFixture {
	t.Helper()
	rf := &routingFixture{procs: map[string]*fakeProcessor{}, slow: map[string]bool{}, creds: map[string]map[string]string{},
		calls: &callLog{}, now: time.Now()}
	clock := func() time.Time { rf.mu.Lock(); defer rf.mu.Unlock(); return rf.now }
	factory := func(s connector.Settings) (connector.Connector, error) {
		if s.Credentials["api_key"] == "" {
			return nil, &connector.Error{Class: connector.InvalidRequest, Code: "credentials_invalid", Message: "credentials.api_key is required"}
		}
		rf.mu.Lock()
		defer rf.mu.Unlock()
		rf.creds[s.Code] = s.Credentials
		p := rf.procs[s.Code]
		if p == nil {
			p = &fakeProcessor{}
			rf.procs[s.Code] = p
		}
		if rf.slow[s.Code] {
			return slowAcquirer{acquirer{p}}, nil
		}
		if rf.wrap != nil {
			return rf.wrap(acquirer{p}), nil
		}
		return acquirer{p}, nil
	}
	e, err := engine.New(engine.Config{Store: st, Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: &fakeProcessor{}},
		Factories: map[string]connector.Factory{"acq": factory}, Keyring: vault.Ephemeral(), Now: clock, ConnectorObserver: rf.calls,
		Breaker: &routing.Breaker{Threshold: 2, Cooldown: time.Minute, Now: clock}})
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := e.CreateMerchant(context.Background(), "Routing Shop")
	if err != nil {
		t.Fatal(err)
	}
	rf.fixture = &fixture{e: e, st: st, actor: engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}}
	return rf
}

// proc is the processor behind a configuration, made before its first use.
func (rf *routingFixture) proc(code string) *fakeProcessor {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.procs[code] == nil {
		rf.procs[code] = &fakeProcessor{}
	}
	return rf.procs[code]
}

func (rf *routingFixture) configure(t *testing.T, code string, currencies []string, r engine.RoutingInput) {
	t.Helper()
	name, conn := code, "acq"
	_, err := rf.e.CreateConfig(context.Background(), rf.actor, engine.ConfigInput{Code: &code, NameEN: &name, Connector: &conn,
		AcceptedCurrencies: &currencies, Credentials: map[string]string{"api_key": "key-" + code}, Routing: &r})
	if err != nil {
		t.Fatal(err)
	}
}

func (rf *routingFixture) payWith(t *testing.T, number, currency string, amount int64) (*payment.Payment, error) {
	t.Helper()
	c := visa()
	c.Number = number
	p, _, err := rf.e.CreatePayment(context.Background(), rf.actor, engine.CreatePaymentInput{Amount: amount, Currency: currency, Card: c}, nil)
	return p, err
}

func iptr(v int) *int { return &v }

func unavailable(connector.AuthorizeRequest) (connector.Result, error) {
	return connector.Result{}, &connector.Error{Class: connector.Unavailable, Message: "503 from the acquirer"}
}

func TestRulesRouteEachPaymentToTheConfigurationThatTakesIt(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		rf := newRoutingFixture(t, st)
		rf.configure(t, "uk-acquirer", []string{"EUR", "GBP"}, engine.RoutingInput{Priority: iptr(1), Countries: &[]string{"GB"}})
		rf.configure(t, "eu-acquirer", []string{"EUR"}, engine.RoutingInput{Priority: iptr(2)})
		rf.configure(t, "us-big", []string{"USD"}, engine.RoutingInput{MinAmount: ptr(100_00)})
		rf.configure(t, "us-small", []string{"USD"}, engine.RoutingInput{MaxAmount: ptr(99_99)})
		for _, c := range []struct {
			card, currency string
			amount         int64
			want           string
		}{
			{"4000008260000000", "EUR", 10_00, "uk-acquirer"}, // a British card: the UK acquirer first
			{"4242424242424242", "EUR", 10_00, "eu-acquirer"}, // an American card: the rule does not take it
			{"4242424242424242", "USD", 250_00, "us-big"},
			{"4242424242424242", "USD", 25_00, "us-small"},
		} {
			p, err := rf.payWith(t, c.card, c.currency, c.amount)
			if err != nil || p.Config != c.want || p.Connector != "acq" || p.Status != payment.Captured {
				t.Fatalf("%s %s %d: %+v %v, want %s", c.card, c.currency, c.amount, p, err, c.want)
			}
		}
		if rf.proc("uk-acquirer").authorizes.Load() != 1 || rf.proc("eu-acquirer").authorizes.Load() != 1 {
			t.Fatal("the processors did not see what the configurations show")
		}
		_, err := rf.payWith(t, "4242424242424242", "JPY", 1000)
		if code(err) != "no_route" {
			t.Fatalf("a payment no configuration takes: %v", err)
		}
		// A rule change is seen by the next payment.
		cfgs, _ := rf.e.ListConfigs(context.Background(), rf.actor)
		for _, c := range cfgs {
			if c.Code == "uk-acquirer" {
				if _, err := rf.e.UpdateConfig(context.Background(), rf.actor, c.ID, engine.ConfigInput{Routing: &engine.RoutingInput{
					Countries: &[]string{"IE"}, MaxAmount: ptr(5_00), TimeoutMS: iptr(2000)}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if p, err := rf.payWith(t, "4000008260000000", "EUR", 4_00); err != nil || p.Config != "eu-acquirer" {
			t.Fatalf("after the rule change: %+v %v", p, err)
		}
		cfgs, _ = rf.e.ListConfigs(context.Background(), rf.actor)
		for _, c := range cfgs {
			if c.Code == "uk-acquirer" && (c.Routing.Countries[0] != "IE" || c.Routing.MaxAmount != 5_00 || c.Routing.Timeout != 2*time.Second || c.Routing.Priority != 1) {
				t.Fatalf("stored routing: %+v", c.Routing)
			}
		}
		rf.verifyLedger(t)
	})
}

func TestFailoverMovesOnOnlyWhenTheProcessorCertainlyDidNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		rf := newRoutingFixture(t, st)
		rf.configure(t, "primary", []string{"EUR"}, engine.RoutingInput{Priority: iptr(1)})
		rf.configure(t, "secondary", []string{"EUR"}, engine.RoutingInput{Priority: iptr(2)})
		primary, secondary := rf.proc("primary"), rf.proc("secondary")

		primary.authorize = unavailable
		p, err := rf.payWith(t, "4242424242424242", "EUR", 20_00)
		if err != nil || p.Status != payment.Captured || p.Config != "secondary" {
			t.Fatalf("unavailable primary: %+v %v", p, err)
		}
		_, ops, _ := rf.e.GetPayment(context.Background(), rf.actor, p.ID)
		if len(ops) != 1 || ops[0].Metadata["failed_over_from"] != "primary:unavailable" {
			t.Fatalf("the failover is not in the payment's history: %+v", ops)
		}
		// Follow-ups go where the money is.
		if _, _, _, err := rf.e.Refund(context.Background(), rf.actor, p.ID, engine.RefundInput{Amount: ptr(5_00)}, nil); err != nil {
			t.Fatal(err)
		}
		if secondary.refunds.Load() != 1 || primary.refunds.Load() != 0 {
			t.Fatalf("refund went to primary %d, secondary %d", primary.refunds.Load(), secondary.refunds.Load())
		}

		primary.authorize = func(connector.AuthorizeRequest) (connector.Result, error) {
			return connector.Result{Outcome: connector.Declined, DeclineCode: "insufficient_funds"}, nil
		}
		before := secondary.authorizes.Load()
		p, err = rf.payWith(t, "4242424242424242", "EUR", 20_00)
		if err != nil || p.Status != payment.Failed || p.FailureCode != "insufficient_funds" || secondary.authorizes.Load() != before {
			t.Fatalf("a hard decline went elsewhere: %+v %v", p, err)
		}

		primary.authorize = func(connector.AuthorizeRequest) (connector.Result, error) {
			return connector.Result{Outcome: connector.Declined, DeclineCode: "processing_error", Retryable: true}, nil
		}
		p, err = rf.payWith(t, "4242424242424242", "EUR", 20_00)
		if err != nil || p.Status != payment.Captured || p.Config != "secondary" {
			t.Fatalf("a soft decline that says try again: %+v %v", p, err)
		}
		rf.verifyLedger(t)
	})
}

func TestATimeoutAfterAuthorizingNeverFailsOverToASecondAuthorization(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		rf := newRoutingFixture(t, st)
		rf.configure(t, "primary", []string{"EUR"}, engine.RoutingInput{Priority: iptr(1)})
		rf.configure(t, "secondary", []string{"EUR"}, engine.RoutingInput{Priority: iptr(2)})
		primary, secondary := rf.proc("primary"), rf.proc("secondary")
		var mu sync.Mutex
		lookups := false // the processor's status lookup is down too, at first
		primary.authorize = func(req connector.AuthorizeRequest) (connector.Result, error) {
			// It authorizes, and the answer is lost.
			return connector.Result{Outcome: connector.Approved, ProcessorRef: "fk_" + req.PaymentID, Captured: true}, &connector.Error{Class: connector.Timeout}
		}
		primary.status = func(req connector.StatusRequest) (connector.Result, error) {
			mu.Lock()
			defer mu.Unlock()
			if !lookups {
				return connector.Result{}, &connector.Error{Class: connector.Unavailable}
			}
			return connector.Result{Outcome: connector.Approved, ProcessorRef: "fk_" + req.PaymentID, Captured: true}, nil
		}
		p, err := rf.payWith(t, "4242424242424242", "EUR", 30_00)
		if err != nil || p.Status != payment.Processing || p.Config != "primary" {
			t.Fatalf("unknown outcome: %+v %v", p, err)
		}
		if secondary.authorizes.Load() != 0 {
			t.Fatal("failed over after the primary may have authorized: two authorizations for one payment")
		}
		mu.Lock()
		lookups = true
		mu.Unlock()
		rf.mu.Lock()
		rf.now = rf.now.Add(time.Second)
		rf.mu.Unlock()
		if n, err := rf.e.Recover(context.Background(), 0, 0); err != nil || n != 1 {
			t.Fatalf("recover: %d %v", n, err)
		}
		got, _, _ := rf.e.GetPayment(context.Background(), rf.actor, p.ID)
		if got.Status != payment.Captured || got.Config != "primary" || primary.authorizes.Load() != 1 || secondary.authorizes.Load() != 0 {
			t.Fatalf("after recovery: %+v", got)
		}

		// When the lookup answers at once, the payment is final at once.
		p, err = rf.payWith(t, "4242424242424242", "EUR", 31_00)
		if err != nil || p.Status != payment.Captured || p.Config != "primary" || secondary.authorizes.Load() != 0 {
			t.Fatalf("timeout then lookup: %+v %v", p, err)
		}
		rf.verifyLedger(t)
	})
}

func TestAFailingConfigurationIsSkippedUntilItsCircuitCloses(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		rf := newRoutingFixture(t, st)
		rf.configure(t, "primary", []string{"EUR"}, engine.RoutingInput{Priority: iptr(1)})
		rf.configure(t, "secondary", []string{"EUR"}, engine.RoutingInput{Priority: iptr(2)})
		primary := rf.proc("primary")
		primary.authorize = unavailable
		for range 2 { // the threshold is 2 failures
			if p, err := rf.payWith(t, "4242424242424242", "EUR", 10_00); err != nil || p.Config != "secondary" {
				t.Fatalf("%+v %v", p, err)
			}
		}
		for range 3 {
			if p, err := rf.payWith(t, "4242424242424242", "EUR", 10_00); err != nil || p.Config != "secondary" {
				t.Fatalf("%+v %v", p, err)
			}
		}
		if n := primary.authorizes.Load(); n != 2 {
			t.Fatalf("an open circuit still sent %d payments to the failing processor", n-2)
		}
		// After the cooldown one trial goes through; it succeeds and closes the circuit.
		primary.authorize = nil
		rf.mu.Lock()
		rf.now = rf.now.Add(time.Minute)
		rf.mu.Unlock()
		for range 2 {
			if p, err := rf.payWith(t, "4242424242424242", "EUR", 10_00); err != nil || p.Config != "primary" {
				t.Fatalf("after the cooldown: %+v %v", p, err)
			}
		}
		// The metrics saw it all, per configuration and outcome.
		rf.calls.mu.Lock()
		defer rf.calls.mu.Unlock()
		counts := map[recordedCall]int{}
		for _, c := range rf.calls.calls {
			counts[c]++
		}
		if counts[recordedCall{"acq", "primary", "authorize", "unavailable"}] != 2 || counts[recordedCall{"acq", "secondary", "authorize", "approved"}] != 5 ||
			counts[recordedCall{"acq", "primary", "authorize", "approved"}] != 2 {
			t.Fatalf("connector calls: %v", counts)
		}
	})
}

func TestAConfigurationsTimeoutBoundsItsProcessorCall(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		rf := newRoutingFixture(t, st)
		rf.slow["primary"] = true
		rf.configure(t, "primary", []string{"EUR"}, engine.RoutingInput{Priority: iptr(1), TimeoutMS: iptr(150)})
		rf.configure(t, "secondary", []string{"EUR"}, engine.RoutingInput{Priority: iptr(2)})
		start := time.Now()
		p, err := rf.payWith(t, "4242424242424242", "EUR", 10_00)
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("the call took %s despite a 150 ms timeout", took)
		}
		// A timeout is an unknown outcome: no failover, recovery decides.
		if err != nil || p.Status != payment.Processing || p.Config != "primary" || rf.proc("secondary").authorizes.Load() != 0 {
			t.Fatalf("%+v %v", p, err)
		}
	})
}

func TestCredentialsAreCheckedOnSaveAndReachTheConnectorUnsealed(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		rf := newRoutingFixture(t, st)
		cc, name, conn, cur := "acq-main", "Main", "acq", []string{"EUR"}
		_, err := rf.e.CreateConfig(context.Background(), rf.actor, engine.ConfigInput{Code: &cc, NameEN: &name, Connector: &conn, AcceptedCurrencies: &cur})
		if code(err) != "credentials_invalid" {
			t.Fatalf("no credentials: %v", err)
		}
		bogus := "bogus"
		if _, err := rf.e.CreateConfig(context.Background(), rf.actor, engine.ConfigInput{Code: &cc, NameEN: &name, Connector: &bogus}); code(err) != "parameter_invalid" {
			t.Fatalf("unknown connector: %v", err)
		}
		rf.configure(t, "acq-main", cur, engine.RoutingInput{})
		if _, err := rf.payWith(t, "4242424242424242", "EUR", 10_00); err != nil {
			t.Fatal(err)
		}
		rf.mu.Lock()
		defer rf.mu.Unlock()
		if rf.creds["acq-main"]["api_key"] != "key-acq-main" {
			t.Fatalf("credentials reaching the connector: %v", rf.creds["acq-main"])
		}
	})
}

// laggingAcquirer's status lookup cannot see a payment for a while after it
// was made (like Stripe's search).
type laggingAcquirer struct{ acquirer }

func (laggingAcquirer) LookupLag() time.Duration { return 2 * time.Minute }

func TestANotFoundFromALaggingLookupIsNotFinalUntilTheLagHasPassed(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		rf := newRoutingFixture(t, st)
		rf.configure(t, "lagging", []string{"EUR"}, engine.RoutingInput{})
		proc := rf.proc("lagging")
		proc.authorize = func(req connector.AuthorizeRequest) (connector.Result, error) {
			return connector.Result{}, &connector.Error{Class: connector.Timeout}
		}
		seen := false
		var mu sync.Mutex
		proc.status = func(req connector.StatusRequest) (connector.Result, error) {
			mu.Lock()
			defer mu.Unlock()
			if !seen {
				return connector.Result{Outcome: connector.NotFound}, nil
			}
			return connector.Result{Outcome: connector.Approved, ProcessorRef: "pi_late", Captured: true}, nil
		}
		rf.wrap = func(a acquirer) connector.Connector { return laggingAcquirer{a} }
		p, err := rf.payWith(t, "4242424242424242", "EUR", 10_00)
		if err != nil || p.Status != payment.Processing {
			t.Fatalf("%+v %v", p, err)
		}
		advance := func(d time.Duration) { rf.mu.Lock(); rf.now = rf.now.Add(d); rf.mu.Unlock() }
		advance(time.Minute)
		if n, _ := rf.e.Recover(context.Background(), time.Second, time.Second); n != 0 {
			t.Fatal("a NotFound inside the lookup's lag failed the payment")
		}
		mu.Lock()
		seen = true
		mu.Unlock()
		advance(30 * time.Second)
		if n, _ := rf.e.Recover(context.Background(), time.Second, time.Second); n != 1 {
			t.Fatal("recovery did not resolve the payment once the lookup saw it")
		}
		got, _, _ := rf.e.GetPayment(context.Background(), rf.actor, p.ID)
		if got.Status != payment.Captured {
			t.Fatalf("%s", got.Status)
		}
	})
}
