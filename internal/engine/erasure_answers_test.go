package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// TestAnErasureDeletesTheCustomersStoredAnswers: the answer an
// Idempotency-Key keeps for a customer's creation holds its personal data;
// after the customer is erased a retry gets 410 customer_deleted instead
// (neither the data nor a new customer), while the stored answers of other
// customers stay.
func TestAnErasureDeletesTheCustomersStoredAnswers(t *testing.T) {
	eachStore(t, func(t *testing.T, st engine.Store) {
		ctx := context.Background()
		e, _ := engine.New(engine.Config{Store: st, Keyring: vault.Ephemeral()})
		m, _, _ := e.CreateMerchant(ctx, "Shop")
		a := engine.Actor{MerchantID: m.ID, Mode: payment.Sandbox}
		create := func(key, email string) (*engine.Replay, int) {
			runs := 0
			idem := &engine.Idempotency{Key: key, Fingerprint: "create " + email}
			replay, err := e.Once(ctx, a, idem, func() (int, []byte) {
				runs++
				c, err := e.CreateCustomer(ctx, a, engine.CustomerInput{Email: email})
				if err != nil {
					t.Fatal(err)
				}
				return 201, []byte(`{"id":"` + c.ID + `","object":"customer","email":"` + email + `"}`)
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return replay, runs
		}
		create("k-ana", "ana@example.com")
		create("k-bo", "bo@example.com")
		if replay, runs := create("k-ana", "ana@example.com"); replay == nil || runs != 0 {
			t.Fatal("the retry before the erasure did not replay")
		}
		list, _ := e.ListCustomers(ctx, a, "", 10)
		var ana string
		for _, c := range list {
			if c.Email == "ana@example.com" {
				ana = c.ID
			}
		}
		if _, err := e.DeleteCustomer(ctx, a, ana); err != nil {
			t.Fatal(err)
		}
		if replay, runs := create("k-ana", "ana@example.com"); replay == nil || runs != 0 || replay.Status != 410 ||
			!strings.Contains(string(replay.Body), "customer_deleted") || strings.Contains(string(replay.Body), "ana@") {
			t.Fatalf("after the erasure the retry ran %d times, answered %+v", runs, replay)
		}
		if replay, _ := create("k-bo", "bo@example.com"); replay == nil {
			t.Fatal("another customer's stored answer went too")
		}
	})
}
