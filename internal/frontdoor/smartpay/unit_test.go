package smartpay_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/smartpay"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("answer differs from %s:\n%s", path, got)
	}
}

var (
	t0   = time.Date(2026, 3, 1, 12, 30, 45, 123_000_000, time.UTC)
	eur  = money.MustLookup("EUR")
	sess = &checkout.Session{ID: "cs_01jz8k3m4n5p6q7r8s9t0vwxyz", Status: checkout.Complete, Amount: 1099, Currency: eur,
		Description: "Purchase 1x product ABC", Reference: "order-1", PaymentID: "pay_01jz8k3m4n5p6q7r8s9t0vwxyz",
		CreatedAt: t0, UpdatedAt: t0.Add(time.Minute), ExpiresAt: t0.Add(time.Hour)}
)

func TestGoldenCreation(t *testing.T) {
	golden(t, "creation.json", smartpay.RenderCreated(sess.ID, "ct_0123456789abcdefghjkmnpqrstvwxyz0123456789abcdefg", t0))
}

func TestGoldenStatus(t *testing.T) {
	p := &payment.Payment{ID: sess.PaymentID, Status: payment.PartiallyRefunded, Amount: 1099, Currency: eur, Authorized: 1099,
		Captured: 800, Refunded: 300, Card: payment.Card{Brand: "visa", Last4: "4242"}, Initiator: payment.CustomerInitiated,
		UpdatedAt: t0.Add(3 * time.Minute)}
	ops := []*payment.Operation{
		{ID: "op_1", Kind: payment.OpAuthorize, Status: payment.OpSucceeded, Amount: 1099, CreatedAt: t0.Add(time.Minute), UpdatedAt: t0.Add(time.Minute)},
		{ID: "op_2", Kind: payment.OpCapture, Status: payment.OpSucceeded, Amount: 800, IdempotencyKey: "smartpay:mod:cap-1", CreatedAt: t0.Add(2 * time.Minute), UpdatedAt: t0.Add(2 * time.Minute)},
		{ID: "op_3", Kind: payment.OpRefund, Status: payment.OpSucceeded, Amount: 300, Reason: "part", IdempotencyKey: "smartpay:mod:ref-1", CreatedAt: t0.Add(3 * time.Minute), UpdatedAt: t0.Add(3 * time.Minute)},
	}
	golden(t, "status.json", smartpay.RenderStatus(sess, p, ops, t0.Add(time.Hour), 0))
	golden(t, "status_created.json", smartpay.RenderStatus(&checkout.Session{ID: sess.ID, Status: checkout.Open, Amount: 1099, Currency: eur,
		Description: "Purchase 1x product ABC", CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0.Add(time.Hour)}, nil, nil, t0, 0))
}

func TestStatusTable(t *testing.T) {
	open := &checkout.Session{Status: checkout.Open, ExpiresAt: t0.Add(time.Hour)}
	captured := []*payment.Operation{{Kind: payment.OpCapture, Status: payment.OpSucceeded, UpdatedAt: t0}}
	for _, tc := range []struct {
		p    *payment.Payment
		ops  []*payment.Operation
		now  time.Time
		want string
	}{
		{nil, nil, t0, "CREATED"},
		{nil, nil, t0.Add(2 * time.Hour), "EXPIRED"},
		{&payment.Payment{Status: payment.Processing}, nil, t0, "AUTORIZATION_INITIALIZED"},
		{&payment.Payment{Status: payment.RequiresAction}, nil, t0, "AUTORIZATION_INITIALIZED"},
		{&payment.Payment{Status: payment.Pending}, nil, t0, "AUTHORIZATION_PENDING"},
		{&payment.Payment{Status: payment.Authorized}, nil, t0, "AUTHORIZATION_COMPLETED"},
		{&payment.Payment{Status: payment.Authorized, InFlight: "capture"}, nil, t0, "CAPTURE_PENDING"},
		{&payment.Payment{Status: payment.Authorized, InFlight: "void"}, nil, t0, "CANCEL_PENDING"},
		{&payment.Payment{Status: payment.Captured}, captured, t0.Add(47 * time.Hour), "CAPTURED"},
		{&payment.Payment{Status: payment.Captured}, captured, t0.Add(48 * time.Hour), "SETTLED"},
		{&payment.Payment{Status: payment.Captured, RefundPending: 5}, captured, t0, "REFUND_PENDING"},
		{&payment.Payment{Status: payment.PartiallyRefunded}, captured, t0, "PARTIALLY_REFUNDED"},
		{&payment.Payment{Status: payment.Refunded}, captured, t0, "REFUNDED"},
		{&payment.Payment{Status: payment.Voided}, nil, t0, "CANCELLED"},
		{&payment.Payment{Status: payment.Failed}, nil, t0, "AUTHORIZATION_FAILED"},
		{&payment.Payment{Status: payment.Expired}, nil, t0, "EXPIRED"},
	} {
		if got := smartpay.StatusOf(open, tc.p, tc.ops, tc.now, 48*time.Hour); got != tc.want {
			t.Errorf("%+v at %v: %s, want %s", tc.p, tc.now.Sub(t0), got, tc.want)
		}
	}
}

func TestTransactionIDs(t *testing.T) {
	for _, sid := range []string{"cs_01jz8k3m4n5p6q7r8s9t0vwxyz", "cs_00000000000000000000000000", "cs_7zzzzzzzzzzzzzzzzzzzzzzzzz"} {
		tx := smartpay.TransactionID(sid)
		if len(tx) != 36 || smartpay.SessionID(tx) != sid {
			t.Fatalf("%s -> %q -> %q", sid, tx, smartpay.SessionID(tx))
		}
	}
	for _, s := range []string{"", "cs_8zzzzzzzzzzzzzzzzzzzzzzzzz", "pay_01jz8k3m4n5p6q7r8s9t0vwxyz", "cs_01jz8k3m4n5p6q7r8s9t0vwxyu"} {
		if smartpay.TransactionID(s) != "" {
			t.Fatalf("%q mapped", s)
		}
	}
	for _, s := range []string{"", "fc10f767-12a7-46d0-9da0-4af6b5b67c4", "fc10f76712a746d09da04af6b5b67c4d0000", "zc10f767-12a7-46d0-9da0-4af6b5b67c4d"} {
		if smartpay.SessionID(s) != "" {
			t.Fatalf("%q mapped", s)
		}
	}
}

// TestNotification renders webhooks from native payment and refund JSON,
// as the engine hands them to the door.
func TestNotification(t *testing.T) {
	door := smartpay.New(smartpay.Config{Now: func() time.Time { return t0 }})
	ctx := context.Background()
	tx := smartpay.TransactionID(sess.ID)
	pay := `{"id":"pay_1","object":"payment","status":"authorized","capture":"manual","amount":1099,"currency":"EUR",
	  "payment_method":{"type":"card","card":{"brand":"visa","first6":"424242","last4":"4242"}},
	  "metadata":{"checkout_session":"` + sess.ID + `"},"updated_at":"2026-03-01T12:31:00.456Z"}`
	body, headers, ok, err := door.Notification(ctx, engine.DoorEvent{Door: "smartpay", ID: "msg_1", Type: "payment.authorized", Payload: []byte(pay), Attempt: 1})
	if err != nil || !ok || headers["Content-Type"] != "application/json" {
		t.Fatalf("%v %v %v", ok, headers, err)
	}
	want := `{"id":"msg_1","createdAt":"2026-03-01T12:31:00.45Z","origin":"widget","eventType":"updated","objectId":"` + tx +
		`","objectType":"payment","metadata":{"paymentStatus":"AUTHORIZATION_COMPLETED","reconciliationReferenceId":"pay_1"}}`
	if string(body) != want {
		t.Fatalf("got  %s\nwant %s", body, want)
	}
	for _, b := range [][]byte{body} {
		if json.Valid(b) && (contains(b, "4242") || contains(b, "424242")) {
			t.Fatal("card data in a webhook")
		}
	}
	t.Run("a refund names its modification", func(t *testing.T) {
		ref := `{"id":"re_1","object":"refund","payment":"pay_1","type":"refund","status":"succeeded","amount":300,"currency":"EUR",
		  "metadata":{"smartpay_modification_id":"ref-1","smartpay_transaction_id":"` + tx + `"},"created_at":"2026-03-01T12:33:00Z"}`
		body, _, ok, err := door.Notification(ctx, engine.DoorEvent{ID: "msg_2", Type: "refund.succeeded", Payload: []byte(ref)})
		var m map[string]any
		json.Unmarshal(body, &m)
		md, _ := m["metadata"].(map[string]any)
		if err != nil || !ok || m["objectType"] != "refund" || m["objectId"] != tx || md["modificationId"] != "ref-1" || md["refundStatus"] != "SUCCEEDED" || m["origin"] != "api" {
			t.Fatalf("%s %v", body, err)
		}
	})
	t.Run("events SmartPay does not send are skipped", func(t *testing.T) {
		for _, typ := range []string{"payment.requires_action", "checkout.session.completed", "payout.paid"} {
			if _, _, ok, err := door.Notification(ctx, engine.DoorEvent{ID: "msg_3", Type: typ, Payload: []byte(pay)}); ok || err != nil {
				t.Fatalf("%s: %v %v", typ, ok, err)
			}
		}
	})
}

func contains(b []byte, s string) bool {
	return len(s) > 0 && string(b) != "" && indexOf(string(b), s) >= 0
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
