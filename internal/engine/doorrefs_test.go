package engine_test

import (
	"context"
	"sync"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

func TestDoorReferences(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		f := newFixture(t, st, nil)
		if err := f.e.ReserveDoorReference(ctx, f.actor, "smartpay", "order-1", "cs_1"); err != nil {
			t.Fatal(err)
		}
		err := f.e.ReserveDoorReference(ctx, f.actor, "smartpay", "order-1", "cs_2")
		if fault.KindOf(err) != fault.Conflict || fault.As(err).Code != "door_reference_taken" {
			t.Fatalf("second use: %v", err)
		}
		r, err := f.e.FindDoorReference(ctx, f.actor, "smartpay", "order-1")
		if err != nil || r.ObjectID != "cs_1" || r.MerchantID != f.actor.MerchantID {
			t.Fatalf("%+v %v", r, err)
		}
		// Another mode, another door: separate namespaces.
		live := f.actor
		live.Mode = payment.Live
		if err := f.e.ReserveDoorReference(ctx, live, "smartpay", "order-1", "cs_3"); err != nil {
			t.Fatal(err)
		}
		if err := f.e.ReserveDoorReference(ctx, f.actor, "ottu", "order-1", "cs_4"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.FindDoorReference(ctx, f.actor, "smartpay", "order-2"); !fault.IsNotFound(err) {
			t.Fatalf("unknown reference: %v", err)
		}
		// Racing reservations: exactly one wins.
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if f.e.ReserveDoorReference(ctx, f.actor, "smartpay", "race", "cs_x") == nil {
					mu.Lock()
					won++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Fatalf("%d reservations won", won)
		}
	})
}
