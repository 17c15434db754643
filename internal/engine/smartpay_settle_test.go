package engine_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// scheduledDoor renders only its scheduled event.
type scheduledDoor struct{}

func (scheduledDoor) Notification(_ context.Context, ev engine.DoorEvent) ([]byte, map[string]string, bool, error) {
	if ev.Type != "shop.settled" {
		return nil, nil, false, nil
	}
	return []byte("settled=" + ev.ObjectID), map[string]string{"Content-Type": "text/plain"}, true, nil
}

// A scheduled door event is delivered once, when due, to the payment's
// notification URL only: never early, never twice however often it is
// scheduled, and never to a native endpoint subscribed to every event.
func TestScheduledDoorEventIsDeliveredOnceWhenDueToTheDoorOnly(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Now()
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		e, err := engine.New(engine.Config{Store: st, Keyring: vault.Ephemeral(), Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: &fakeProcessor{}},
			Doors: map[string]engine.DoorNotifier{"shop": scheduledDoor{}}, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		m, _, _ := e.CreateMerchant(ctx, "Door Shop")
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		nativeURL := "https://native.test/hooks"
		if _, _, err := e.CreateWebhookEndpoint(ctx, a, engine.EndpointInput{URL: &nativeURL}); err != nil {
			t.Fatal(err)
		}
		const url = "https://shop.test/callback"
		p, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 900, Currency: "EUR", Card: visa(), NotificationURL: url, Door: "shop"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		plain, _, err := e.CreatePayment(ctx, a, engine.CreatePaymentInput{Amount: 900, Currency: "EUR", Card: visa(), Door: "shop"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		due := now.Add(24 * time.Hour)
		for range 3 {
			if err := e.ScheduleDoorEvent(ctx, a, p.ID, "shop.settled", "settled:"+p.ID, due); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.ScheduleDoorEvent(ctx, a, plain.ID, "shop.settled", "settled:"+plain.ID, due); err != nil {
			t.Fatalf("a payment without a notification URL: %v", err)
		}
		if err := e.ScheduleDoorEvent(ctx, engine.Actor{MerchantID: "mer_other", Mode: payment.Sandbox}, p.ID, "shop.settled", "x", due); err == nil {
			t.Fatal("another merchant scheduled an event of this payment")
		}
		snd := &bodySender{}
		settled := func() (door, native int) {
			if _, err := e.DispatchOnce(ctx, engine.DispatchConfig{Sender: snd, Batch: 50}); err != nil {
				t.Fatal(err)
			}
			snd.mu.Lock()
			defer snd.mu.Unlock()
			for _, r := range snd.sent {
				switch {
				case r.url == url && r.body == "settled="+p.ID:
					door++
				case r.url == nativeURL && strings.Contains(r.body, "shop.settled"):
					native++
				}
			}
			return door, native
		}
		if d, n := settled(); d != 0 || n != 0 {
			t.Fatalf("before it is due: %d to the door, %d to the native endpoint", d, n)
		}
		mu.Lock()
		now = due
		mu.Unlock()
		settled()
		if d, n := settled(); d != 1 || n != 0 {
			t.Fatalf("when due: %d to the door, %d to the native endpoint", d, n)
		}
		snd.mu.Lock()
		defer snd.mu.Unlock()
		nativeEvents := 0
		for _, r := range snd.sent {
			if r.url == nativeURL && strings.Contains(r.body, p.ID) {
				nativeEvents++
			}
		}
		if nativeEvents == 0 {
			t.Fatal("the native endpoint got none of the payment's own events")
		}
	})
}
