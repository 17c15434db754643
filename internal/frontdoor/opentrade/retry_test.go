package opentrade_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/delivery"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/opentrade"
)

// A resultUrl that answers other than 2xx gets the notification again,
// later, byte for byte (same EventID, same Signature), until it answers
// 2xx; then never again.
func TestResultURLThatFailsGetsTheSameNotificationAgain(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	g := newGateway(t, clock)
	var bodies []string
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		n := len(bodies)
		mu.Unlock()
		if n == 1 {
			http.Error(w, "order system down", http.StatusServiceUnavailable)
		}
	}))
	defer shop.Close()
	g.payThroughDoor("401", "10.00", func(v url.Values) { v.Set("ResultURL", shop.URL+"/result") })

	got := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), bodies...) }
	dispatch := func() {
		t.Helper()
		if _, err := g.eng.DispatchOnce(context.Background(), engine.DispatchConfig{Sender: delivery.New(5 * time.Second), Batch: 50}); err != nil {
			t.Fatal(err)
		}
	}
	dispatch()
	dispatch() // the retry is not due yet
	if b := got(); len(b) != 1 {
		t.Fatalf("attempts before the retry is due: %d", len(b))
	}
	advance(time.Hour)
	dispatch()
	advance(24 * time.Hour)
	dispatch()
	b := got()
	if len(b) != 2 || b[0] != b[1] {
		t.Fatalf("attempts %d, want 2 with the same body: %q", len(b), b)
	}
	v, _ := url.ParseQuery(b[1])
	n := opentrade.Notification{OrderID: v.Get("orderID"), PaymentID: v.Get("PaymentID"), UserID: v.Get("UserID"), Amount: v.Get("Amount"),
		Currency: v.Get("Currency"), Status: v.Get("Status"), TransactionID: v.Get("TransactionID"), EventID: v.Get("EventID"), Timestamp: v.Get("Timestamp")}
	if !opentrade.Verify(g.secret, n, v.Get("Signature")) || n.Status != "success" || n.PaymentID != "401" || n.Amount != "10.00" {
		t.Fatalf("the retried notification %v", v)
	}
}
