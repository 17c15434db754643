package api

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// A create's answer is rendered once, in the recording transaction, for the
// idempotency record; the fresh answer is those bytes, so it cannot differ
// from what a retry with the same key replays.
func TestTheFreshAnswerIsTheStoredReplay(t *testing.T) {
	render := renderPayment(http.StatusCreated, "req_1")
	p := &payment.Payment{ID: "pay_1", Status: payment.Captured, Amount: 1099, Currency: money.MustLookup("EUR"),
		Authorized: 1099, Captured: 1099}
	storedStatus, stored := render(engine.Result{Payment: p}, nil)
	p.Description = "changed in memory after the record was written"
	status, fresh := render(engine.Result{Payment: p}, nil)
	if status != storedStatus || !bytes.Equal(fresh, stored) {
		t.Fatalf("fresh answer %d %s differs from the stored replay %d %s", status, fresh, storedStatus, stored)
	}
	other := *p
	if _, b := render(engine.Result{Payment: &other}, nil); !bytes.Contains(b, []byte("changed in memory")) {
		t.Fatalf("another payment got a remembered answer: %s", b)
	}
}
