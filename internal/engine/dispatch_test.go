package engine_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/delivery"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
	"github.com/paygate/paygate/internal/webhook"
)

// hangingSender answers every endpoint at once except those of hang,
// whose requests wait until release is closed (or the dispatcher stops);
// it counts how many of those are open at the same time.
type hangingSender struct {
	hang    map[string]bool
	release chan struct{}

	mu             sync.Mutex
	open, maxOpen  int
	healthyByID    map[string]int
	hangingStarted int
}

func (s *hangingSender) Send(ctx context.Context, url string, h map[string]string, _ []byte, _ bool) engine.SendResult {
	s.mu.Lock()
	if !s.hang[url] {
		s.healthyByID[h["webhook-id"]]++
		s.mu.Unlock()
		return engine.SendResult{Status: 200}
	}
	s.open++
	s.hangingStarted++
	s.maxOpen = max(s.maxOpen, s.open)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.open--
		s.mu.Unlock()
	}()
	select {
	case <-s.release:
		return engine.SendResult{Status: 200}
	case <-ctx.Done():
		return engine.SendResult{Err: ctx.Err()}
	}
}

func (s *hangingSender) state() (healthy, started, maxOpen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.healthyByID), s.hangingStarted, s.maxOpen
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(deadline time.Duration, cond func() bool) bool {
	for end := time.Now().Add(deadline); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// TestAHangingEndpointDelaysOnlyItself: one endpoint never answers, another
// answers at once. Every event reaches the healthy endpoint while the
// other hangs, the hanging one never has more requests open than the
// per-endpoint limit, and once it answers it gets every event too.
func TestAHangingEndpointDelaysOnlyItself(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		ctx := context.Background()
		captured := &[]string{webhook.PaymentCaptured}
		hang, _, err := f.e.CreateWebhookEndpoint(ctx, f.actor, engine.EndpointInput{URL: ptrS("https://slow.test/hook"), EventTypes: captured})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.e.CreateWebhookEndpoint(ctx, f.actor, engine.EndpointInput{URL: ptrS("https://fast.test/hook"), EventTypes: captured}); err != nil {
			t.Fatal(err)
		}
		const payments, perEndpoint = 12, 3
		for range payments {
			f.pay(t, 100, payment.CaptureAutomatic)
		}
		snd := &hangingSender{hang: map[string]bool{"https://slow.test/hook": true}, release: make(chan struct{}), healthyByID: map[string]int{}}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.e.RunDispatcher(runCtx, engine.DispatchConfig{Sender: snd, PerEndpoint: perEndpoint, Batch: 4, Lease: time.Minute})
		}()
		defer func() { stop(); <-done }()

		if !waitFor(20*time.Second, func() bool { h, s, _ := snd.state(); return h == payments && s == perEndpoint }) {
			h, s, _ := snd.state()
			t.Fatalf("while one endpoint hung, the healthy one got %d of %d events (%d requests open to the hung one)", h, payments, s)
		}
		close(snd.release)
		if !waitFor(20*time.Second, func() bool {
			ds, err := f.e.ListDeliveries(ctx, f.actor, engine.DeliveryFilter{EndpointID: hang.ID, Status: webhook.Succeeded, Limit: 100})
			return err == nil && len(ds) == payments
		}) {
			t.Fatal("the endpoint that hung did not get every event once it answered")
		}
		if _, _, maxOpen := snd.state(); maxOpen > perEndpoint {
			t.Fatalf("%d requests were open to one endpoint at once, limit %d", maxOpen, perEndpoint)
		}
		for id, n := range snd.healthyByID {
			if n != 1 {
				t.Fatalf("delivery %s reached the healthy endpoint %d times", id, n)
			}
		}
	})
}

// TestAProcessKeepsAtMostBatchSendsOpen: with two endpoints that never
// answer, a process opens no more requests than its batch size in all,
// even though each endpoint alone would take more.
func TestAProcessKeepsAtMostBatchSendsOpen(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		ctx := context.Background()
		for _, u := range []string{"https://slow-a.test/hook", "https://slow-b.test/hook"} {
			if _, _, err := f.e.CreateWebhookEndpoint(ctx, f.actor, engine.EndpointInput{URL: ptrS(u), EventTypes: &[]string{webhook.PaymentCaptured}}); err != nil {
				t.Fatal(err)
			}
		}
		for range 6 {
			f.pay(t, 100, payment.CaptureAutomatic)
		}
		const batch = 4 // each endpoint's limit of 3 would allow 6 in all
		snd := &hangingSender{hang: map[string]bool{"https://slow-a.test/hook": true, "https://slow-b.test/hook": true},
			release: make(chan struct{}), healthyByID: map[string]int{}}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.e.RunDispatcher(runCtx, engine.DispatchConfig{Sender: snd, PerEndpoint: 3, Batch: batch, Lease: time.Minute, Poll: 10 * time.Millisecond})
		}()
		defer func() { stop(); <-done }()
		if !waitFor(20*time.Second, func() bool { _, s, _ := snd.state(); return s >= batch }) {
			_, s, _ := snd.state()
			t.Fatalf("only %d requests opened", s)
		}
		waitFor(500*time.Millisecond, func() bool { return false }) // passes enough to open more, if it would
		if _, s, maxOpen := snd.state(); s != batch || maxOpen != batch {
			t.Fatalf("%d requests opened, at most %d at once; the batch size is %d", s, maxOpen, batch)
		}
	})
}

// gatedSender signals started, then answers status once release is closed.
type gatedSender struct {
	started, release chan struct{}
	status           int
}

func (s *gatedSender) Send(ctx context.Context, _ string, _ map[string]string, _ []byte, _ bool) engine.SendResult {
	close(s.started)
	<-s.release
	return engine.SendResult{Status: s.status}
}

// TestALateAttemptDoesNotOverwriteTheLeaseHolder: a process whose send
// outlives its lease finds the delivery claimed and delivered by another;
// its late failure is logged as a further attempt, but the delivery stays
// delivered and is not scheduled again.
func TestALateAttemptDoesNotOverwriteTheLeaseHolder(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		clock := time.Now()
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		kr := vault.Ephemeral()
		newEngine := func() *engine.Engine {
			e, err := engine.New(engine.Config{Store: st, Keyring: kr, Now: now,
				Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: &fakeProcessor{}}})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		e1, e2 := newEngine(), newEngine()
		m, _, _ := e1.CreateMerchant(ctx, "Late")
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		if _, _, err := e1.CreateWebhookEndpoint(ctx, a, engine.EndpointInput{URL: ptrS("https://hooks.test/a"), EventTypes: &[]string{webhook.PaymentCaptured}}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e1.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Card: visa()}, nil); err != nil {
			t.Fatal(err)
		}
		slow := &gatedSender{started: make(chan struct{}), release: make(chan struct{}), status: 500}
		first := make(chan error, 1)
		go func() {
			_, err := e1.DispatchOnce(ctx, engine.DispatchConfig{Sender: slow, Lease: time.Minute})
			first <- err
		}()
		<-slow.started
		mu.Lock()
		clock = clock.Add(2 * time.Minute) // the first lease has run out
		mu.Unlock()
		ok := &recordingSender{byID: map[string]int{}}
		if n, err := e2.DispatchOnce(ctx, engine.DispatchConfig{Sender: ok, Lease: time.Minute}); err != nil || n != 1 {
			t.Fatalf("second process claimed %d deliveries: %v", n, err)
		}
		close(slow.release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		ds, err := e1.ListDeliveries(ctx, a, engine.DeliveryFilter{Limit: 10})
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries %v: %v", ds, err)
		}
		d, atts, err := e1.GetDelivery(ctx, a, ds[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != webhook.Succeeded {
			t.Fatalf("delivery is %s after the lease holder delivered it", d.Status)
		}
		if len(atts) != 2 || atts[0].Number != 1 || atts[1].Number != 2 || atts[0].StatusCode != 200 || atts[1].StatusCode != 500 {
			t.Fatalf("attempt log %+v, want the holder's 200 as 1 and the late 500 as 2", atts)
		}
	})
}

// TestLiveDeliveriesRefusePrivateAddressesUnlessAllowed: a live endpoint
// on a loopback address is never connected to (the attempt is logged as a
// blocked destination and retried later) until the dispatcher is told to
// allow private addresses (--webhook-allow-private), when it connects.
func TestLiveDeliveriesRefusePrivateAddressesUnlessAllowed(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		var connections atomic.Int64
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				connections.Add(1)
			}
		}
		srv.StartTLS() // https://127.0.0.1:port, as live endpoints must be
		defer srv.Close()

		var mu sync.Mutex
		clock := time.Now()
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		proc := &fakeProcessor{}
		e, err := engine.New(engine.Config{Store: st, Keyring: vault.Ephemeral(), Now: now,
			Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: proc, payment.Live: proc}})
		if err != nil {
			t.Fatal(err)
		}
		m, _, _ := e.CreateMerchant(ctx, "Live Hooks")
		live := engine.Actor{MerchantID: m.ID, Mode: payment.Live}
		ep, _, err := e.CreateWebhookEndpoint(ctx, live, engine.EndpointInput{URL: ptrS(srv.URL), EventTypes: &[]string{webhook.PaymentCaptured}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.CreatePayment(ctx, live, engine.CreatePaymentInput{Amount: 100, Currency: "EUR", Card: visa()}, nil); err != nil {
			t.Fatal(err)
		}
		lastAttempt := func() (*webhook.Delivery, *webhook.Attempt) {
			t.Helper()
			ds, err := e.ListDeliveries(ctx, live, engine.DeliveryFilter{EndpointID: ep.ID, Limit: 10})
			if err != nil || len(ds) != 1 {
				t.Fatalf("deliveries %v: %v", ds, err)
			}
			d, atts, err := e.GetDelivery(ctx, live, ds[0].ID)
			if err != nil || len(atts) == 0 {
				t.Fatalf("attempts %v: %v", atts, err)
			}
			return d, atts[len(atts)-1]
		}

		sender := delivery.New(15 * time.Second)
		if _, err := e.DispatchOnce(ctx, engine.DispatchConfig{Sender: sender}); err != nil {
			t.Fatal(err)
		}
		d, att := lastAttempt()
		if connections.Load() != 0 || !strings.HasPrefix(att.Error, "blocked_destination") || d.Status != webhook.Pending {
			t.Fatalf("live delivery to %s: %d connections, attempt error %q, status %s", srv.URL, connections.Load(), att.Error, d.Status)
		}

		mu.Lock()
		clock = clock.Add(time.Minute) // past the first retry's wait
		mu.Unlock()
		if _, err := e.DispatchOnce(ctx, engine.DispatchConfig{Sender: sender, AllowPrivateLive: true}); err != nil {
			t.Fatal(err)
		}
		// The test server's certificate is not trusted, so the attempt still
		// fails, but past the address check: the server saw the connection.
		if _, att := lastAttempt(); connections.Load() == 0 || strings.HasPrefix(att.Error, "blocked_destination") {
			t.Fatalf("with private addresses allowed: %d connections, attempt error %q", connections.Load(), att.Error)
		}
	})
}

// countingGate blocks the first request until release is closed and
// answers the others at once; it counts them all.
type countingGate struct {
	started, release chan struct{}
	n                atomic.Int64
}

func (s *countingGate) Send(ctx context.Context, _ string, _ map[string]string, _ []byte, _ bool) engine.SendResult {
	if s.n.Add(1) == 1 {
		close(s.started)
		<-s.release
	}
	return engine.SendResult{Status: 200}
}

// TestAQueuedDeliveryIsNotSentAfterItsLeaseRanOut: with one request at a
// time to an endpoint, a second delivery claimed with the first waits
// behind it; if the first outlasts the lease, the second is not sent by
// this process (another may have claimed it), and a later pass sends it.
func TestAQueuedDeliveryIsNotSentAfterItsLeaseRanOut(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		var mu sync.Mutex
		clock := time.Now()
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		f := newFixtureAt(t, st, nil, now)
		ctx := context.Background()
		ep, _, err := f.e.CreateWebhookEndpoint(ctx, f.actor, engine.EndpointInput{URL: ptrS("https://one-at-a-time.test/hook"), EventTypes: &[]string{webhook.PaymentCaptured}})
		if err != nil {
			t.Fatal(err)
		}
		f.pay(t, 100, payment.CaptureAutomatic)
		f.pay(t, 200, payment.CaptureAutomatic)
		gate := &countingGate{started: make(chan struct{}), release: make(chan struct{})}
		cfg := engine.DispatchConfig{Sender: gate, PerEndpoint: 1, Lease: time.Minute}
		type result struct {
			claimed int
			err     error
		}
		first := make(chan result, 1)
		go func() {
			n, err := f.e.DispatchOnce(ctx, cfg)
			first <- result{n, err}
		}()
		<-gate.started
		mu.Lock()
		clock = clock.Add(2 * time.Minute)
		mu.Unlock()
		close(gate.release)
		r := <-first
		if r.err != nil {
			t.Fatal(r.err)
		}
		// The pass claimed both; the queued one's lease ran out behind the
		// first, so it is not sent on that lease. The same pass may claim it
		// again afresh (DispatchOnce claims until nothing is due) and send
		// it once: then three claims, two requests.
		switch n := gate.n.Load(); {
		case r.claimed == 2 && n == 1, r.claimed == 3 && n == 2:
		default:
			t.Fatalf("%d claims, %d requests; the queued delivery was sent after its lease ran out", r.claimed, n)
		}
		if _, err := f.e.DispatchOnce(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		ds, err := f.e.ListDeliveries(ctx, f.actor, engine.DeliveryFilter{EndpointID: ep.ID, Status: webhook.Succeeded, Limit: 10})
		if err != nil || len(ds) != 2 || gate.n.Load() != 2 {
			t.Fatalf("%d deliveries succeeded after %d requests: %v", len(ds), gate.n.Load(), err)
		}
	})
}

// TestALeaseShorterThanARequestDoesNotSendTwiceFromOneProcess: when a
// request outlasts its lease, the process's own next claim takes the
// delivery again; it keeps the one request open instead of sending a
// second, and records that request's outcome under the renewed lease.
func TestALeaseShorterThanARequestDoesNotSendTwiceFromOneProcess(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		var mu sync.Mutex
		clock := time.Now()
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		f := newFixtureAt(t, st, nil, now)
		ctx := context.Background()
		if _, _, err := f.e.CreateWebhookEndpoint(ctx, f.actor, engine.EndpointInput{URL: ptrS("https://slow.test/hook"), EventTypes: &[]string{webhook.PaymentCaptured}}); err != nil {
			t.Fatal(err)
		}
		f.pay(t, 100, payment.CaptureAutomatic)
		gate := &countingGate{started: make(chan struct{}), release: make(chan struct{})}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.e.RunDispatcher(runCtx, engine.DispatchConfig{Sender: gate, Lease: time.Minute, Poll: 5 * time.Millisecond})
		}()
		defer func() { stop(); <-done }()
		<-gate.started
		mu.Lock()
		clock = clock.Add(2 * time.Minute) // the request outlasts its lease
		mu.Unlock()
		waitFor(300*time.Millisecond, func() bool { return gate.n.Load() > 1 }) // polls that claim it again
		close(gate.release)
		var d *webhook.Delivery
		var atts []*webhook.Attempt
		if !waitFor(20*time.Second, func() bool {
			ds, err := f.e.ListDeliveries(ctx, f.actor, engine.DeliveryFilter{Limit: 10})
			if err != nil || len(ds) != 1 {
				return false
			}
			d, atts, err = f.e.GetDelivery(ctx, f.actor, ds[0].ID)
			return err == nil && d.Status == webhook.Succeeded
		}) {
			t.Fatal("the delivery was not recorded as delivered")
		}
		if n := gate.n.Load(); n != 1 || len(atts) != 1 {
			t.Fatalf("%d requests and %d attempts logged for one delivery, want 1 and 1", n, len(atts))
		}
	})
}

// stoppingSender accepts the delivery and, before answering, stops the
// dispatcher (as a shutdown would at that moment).
type stoppingSender struct{ stop context.CancelFunc }

func (s *stoppingSender) Send(context.Context, string, map[string]string, []byte, bool) engine.SendResult {
	s.stop()
	return engine.SendResult{Status: 200}
}

// TestADeliveryAnsweredDuringShutdownIsRecorded: the receiver accepted the
// webhook just as the dispatcher was stopped; the outcome is still
// recorded, so the webhook is not sent again after a restart.
func TestADeliveryAnsweredDuringShutdownIsRecorded(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		f := newFixture(t, st, nil)
		ctx := context.Background()
		if _, _, err := f.e.CreateWebhookEndpoint(ctx, f.actor, engine.EndpointInput{URL: ptrS("https://hooks.test/a"), EventTypes: &[]string{webhook.PaymentCaptured}}); err != nil {
			t.Fatal(err)
		}
		f.pay(t, 100, payment.CaptureAutomatic)
		runCtx, stop := context.WithCancel(ctx)
		defer stop()
		f.e.RunDispatcher(runCtx, engine.DispatchConfig{Sender: &stoppingSender{stop: stop}}) // returns once stopped
		ds, err := f.e.ListDeliveries(ctx, f.actor, engine.DeliveryFilter{Status: webhook.Succeeded, Limit: 10})
		if err != nil || len(ds) != 1 {
			t.Fatalf("%d deliveries recorded as delivered after the shutdown: %v", len(ds), err)
		}
	})
}
