package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// shopDoor renders a made-up vendor's callback: "status=<type>" for
// captures and refunds, nothing for other events; it fails once when told.
type shopDoor struct {
	mu      sync.Mutex
	failOne bool
	seen    []engine.DoorEvent
}

func (d *shopDoor) Notification(_ context.Context, ev engine.DoorEvent) ([]byte, map[string]string, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen = append(d.seen, ev)
	if d.failOne {
		d.failOne = false
		return nil, nil, false, errors.New("secret not found")
	}
	if ev.Type != "payment.captured" && ev.Type != "refund.succeeded" {
		return nil, nil, false, nil
	}
	var obj struct {
		Object json.RawMessage `json:"object"`
	}
	_ = json.Unmarshal(ev.Payload, &obj)
	return []byte("status=" + ev.Type + "&object=" + ev.ObjectID), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Shop-Sig": "sig-" + ev.ID}, true, nil
}

type sentRequest struct {
	url     string
	headers map[string]string
	body    string
}

type bodySender struct {
	mu   sync.Mutex
	sent []sentRequest
}

func (s *bodySender) Send(_ context.Context, url string, h map[string]string, body []byte, _ bool) engine.SendResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, sentRequest{url, h, string(body)})
	return engine.SendResult{Status: 200}
}

// A payment made through a front door gets the door's own callbacks at its
// notification URL, durably (a render failure is retried), while a native
// payment naming the same URL still gets Standard Webhooks.
func TestDoorPaymentsGetTheDoorsOwnCallbacks(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		door := &shopDoor{failOne: true}
		var mu sync.Mutex
		now := time.Now()
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		e, err := engine.New(engine.Config{Store: st, Keyring: vault.Ephemeral(), Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: &fakeProcessor{}},
			Doors: map[string]engine.DoorNotifier{"shop": door}, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		m, _, _ := e.CreateMerchant(ctx, "Door Shop")
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		const url = "https://shop.test/callback"
		viaDoor, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 900, Currency: "EUR", Card: visa(), NotificationURL: url, Door: "shop"}, nil)
		if err != nil || viaDoor.Door != "shop" {
			t.Fatalf("%+v %v", viaDoor, err)
		}
		if _, _, _, err := e.Refund(ctx, a, viaDoor.ID, engine.RefundInput{Amount: ptr(100)}, nil); err != nil {
			t.Fatal(err)
		}
		native, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 500, Currency: "EUR", Card: visa(), NotificationURL: url}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 500, Currency: "EUR", Card: visa(), NotificationURL: url, Door: "nope"}, nil); err == nil {
			t.Fatal("a payment named a door that renders nothing")
		}
		snd := &bodySender{}
		for range 3 {
			if _, err := e.DispatchOnce(ctx, engine.DispatchConfig{Sender: snd, Batch: 50}); err != nil {
				t.Fatal(err)
			}
			// A failed render waits for its retry; make it due.
			mu.Lock()
			now = now.Add(time.Hour)
			mu.Unlock()
		}
		got, _, _ := e.GetPayment(ctx, a, viaDoor.ID)
		if got.Door != "shop" {
			t.Fatalf("the payment's door was not stored: %q", got.Door)
		}
		var doorBodies, native2 []string
		snd.mu.Lock()
		for _, r := range snd.sent {
			if r.headers["webhook-signature"] != "" {
				native2 = append(native2, r.body)
				continue
			}
			if r.url != url || !strings.HasPrefix(r.headers["X-Shop-Sig"], "sig-") {
				t.Errorf("door request: %+v", r)
			}
			doorBodies = append(doorBodies, r.body)
		}
		snd.mu.Unlock()
		if len(native2) == 0 || !strings.Contains(strings.Join(native2, " "), native.ID) || strings.Contains(strings.Join(native2, " "), viaDoor.ID) {
			t.Fatalf("native webhooks: %v", native2)
		}
		joined := strings.Join(doorBodies, " ")
		if !strings.Contains(joined, "status=refund.succeeded") {
			t.Fatalf("door callbacks: %v", doorBodies)
		}
		door.mu.Lock()
		defer door.mu.Unlock()
		if len(door.seen) < 2 {
			t.Fatalf("the door saw %d events", len(door.seen))
		}
	})
}
