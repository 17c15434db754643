package opentrade_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/opentrade"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// The known-answer vector of docs/migrate-opentrade.md.
const (
	vectorSecret    = "pgs_example_secret_0001"
	vectorCanonical = "ORD-1|222|0000000001|500.15|643|success|pay_01JN0000000000000000000000|evt_01JN0000000000000000000001|2025-03-01T10:00:00Z"
	vectorSignature = "e32192fa57a365b3b5423dc74853d9a169acd21308c5dbafe1e449175d9b3496"
)

var vectorNote = opentrade.Notification{OrderID: "ORD-1", PaymentID: "222", UserID: "0000000001", Amount: "500.15", Currency: "643",
	Status: "success", TransactionID: "pay_01JN0000000000000000000000", EventID: "evt_01JN0000000000000000000001", Timestamp: "2025-03-01T10:00:00Z"}

func TestSignatureKnownAnswer(t *testing.T) {
	if got := opentrade.Canonical(vectorNote); got != vectorCanonical {
		t.Fatalf("canonical %q", got)
	}
	if got := opentrade.Sign(vectorSecret, vectorCanonical); got != vectorSignature {
		t.Fatalf("signature %s", got)
	}
	if !opentrade.Verify(vectorSecret, vectorNote, strings.ToUpper(vectorSignature)) {
		t.Fatal("Verify refused the vector")
	}
	tampered := vectorNote
	tampered.Amount = "5000.15"
	if opentrade.Verify(vectorSecret, tampered, vectorSignature) || opentrade.Verify("other", vectorNote, vectorSignature) {
		t.Fatal("Verify accepted a tampered notification or another secret")
	}
}

// secrets is the engine's credential lookup, for one member.
type secrets struct {
	cred   engine.DoorCredential
	secret string
}

func (s secrets) DoorCredential(_ context.Context, door string, member int64) (*engine.DoorCredential, string, error) {
	if door != opentrade.Door || member != s.cred.MemberID {
		return nil, "", errors.New("door authentication failed")
	}
	c := s.cred
	return &c, s.secret, nil
}

// vectorPayment is the vector's payment, as the engine holds it.
func vectorPayment(status payment.Status) *payment.Payment {
	at := time.Date(2025, 3, 1, 10, 0, 0, 123e6, time.UTC)
	return &payment.Payment{ID: "pay_01JN0000000000000000000000", MerchantID: "mer_1", Mode: payment.Sandbox, Status: status,
		Amount: 50015, Currency: money.MustLookup("RUB"), Captured: 50015, Reference: "222", Door: opentrade.Door,
		Card:      payment.Card{Brand: "visa", First6: "424242", Last4: "4242", ExpMonth: 12, ExpYear: 2030},
		Metadata:  map[string]string{"checkout_session": "cs_1", "opentrade_member": "12345678", "opentrade_payment_id": "222", "opentrade_user_id": "0000000001", "opentrade_order_id": "ORD-1"},
		CreatedAt: at, UpdatedAt: at}
}

func boundNotifier() *opentrade.Notifier {
	n := opentrade.NewNotifier(nil)
	n.Bind(secrets{cred: engine.DoorCredential{Door: opentrade.Door, MemberID: 12345678, MerchantID: "mer_1", Mode: payment.Sandbox}, secret: vectorSecret})
	return n
}

func TestNotifierRendersTheSignedResultOfAPayment(t *testing.T) {
	n := boundNotifier()
	ev := engine.DoorEvent{ID: "evt_01JN0000000000000000000001", Type: "payment.captured", MerchantID: "mer_1", Mode: payment.Sandbox,
		ObjectID: "pay_01JN0000000000000000000000", Payload: api.RenderEvent(vectorPayment(payment.Captured)), Attempt: 3}
	body, headers, ok, err := n.Notification(context.Background(), ev)
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	if headers["Content-Type"] != "application/x-www-form-urlencoded" || headers["X-Paygate-Signature"] != vectorSignature {
		t.Errorf("headers %v", headers)
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"orderID": "ORD-1", "PaymentID": "222", "UserID": "0000000001", "Amount": "500.15", "Currency": "643",
		"Status": "success", "TransactionID": "pay_01JN0000000000000000000000", "EventID": "evt_01JN0000000000000000000001",
		"Timestamp": "2025-03-01T10:00:00Z", "Signature": vectorSignature}
	for k, w := range want {
		if v.Get(k) != w {
			t.Errorf("%s = %q, want %q", k, v.Get(k), w)
		}
	}
	if len(v) != len(want) {
		t.Errorf("body %s has other fields", body)
	}
	if strings.Contains(string(body), "4242") {
		t.Errorf("card data in the body: %s", body)
	}
	// A receiver verifies it from the fields alone.
	got := opentrade.Notification{OrderID: v.Get("orderID"), PaymentID: v.Get("PaymentID"), UserID: v.Get("UserID"), Amount: v.Get("Amount"),
		Currency: v.Get("Currency"), Status: v.Get("Status"), TransactionID: v.Get("TransactionID"), EventID: v.Get("EventID"), Timestamp: v.Get("Timestamp")}
	if !opentrade.Verify(vectorSecret, got, v.Get("Signature")) {
		t.Error("the body does not verify")
	}
	// Retries are the same bytes.
	again, _, _, _ := n.Notification(context.Background(), ev)
	if string(again) != string(body) {
		t.Error("a retry renders another body")
	}
}

func TestNotifierStatusesAndRefusals(t *testing.T) {
	n := boundNotifier()
	ctx := context.Background()
	ev := func(typ string, p *payment.Payment) engine.DoorEvent {
		return engine.DoorEvent{ID: "evt_2", Type: typ, MerchantID: "mer_1", Mode: payment.Sandbox, ObjectID: p.ID, Payload: api.RenderEvent(p), Attempt: 1}
	}
	for typ, want := range map[string]string{"payment.captured": "success", "payment.failed": "fail", "payment.expired": "fail", "payment.refunded": "refunded"} {
		body, _, ok, err := n.Notification(ctx, ev(typ, vectorPayment(payment.Captured)))
		v, _ := url.ParseQuery(string(body))
		if err != nil || !ok || v.Get("Status") != want {
			t.Errorf("%s: status %q ok %v err %v", typ, v.Get("Status"), ok, err)
		}
	}
	for _, typ := range []string{"payment.authorized", "payment.pending", "payment.requires_action", "payment.voided", "refund.succeeded", "checkout.session.completed"} {
		if body, _, ok, err := n.Notification(ctx, ev(typ, vectorPayment(payment.Captured))); ok || err != nil || body != nil {
			t.Errorf("%s: sent %q ok %v err %v", typ, body, ok, err)
		}
	}
	// Another merchant's event naming this member is never signed with its secret.
	other := ev("payment.captured", vectorPayment(payment.Captured))
	other.MerchantID = "mer_2"
	if _, _, ok, err := n.Notification(ctx, other); ok || err == nil {
		t.Errorf("signed for another merchant: ok %v err %v", ok, err)
	}
	// A payment not made through the door, and an unbound notifier, are errors (retried, logged).
	plain := vectorPayment(payment.Captured)
	plain.Metadata = nil
	if _, _, ok, err := n.Notification(ctx, ev("payment.captured", plain)); ok || err == nil {
		t.Errorf("no member: ok %v err %v", ok, err)
	}
	if _, _, ok, err := opentrade.NewNotifier(nil).Notification(ctx, ev("payment.captured", vectorPayment(payment.Captured))); ok || err == nil {
		t.Errorf("unbound: ok %v err %v", ok, err)
	}
}

// upper is another Format, to show the swap.
type upper struct{}

func (upper) Render(n opentrade.Notification, secret string) ([]byte, map[string]string, error) {
	return []byte(strings.ToUpper(opentrade.Canonical(n))), map[string]string{"Content-Type": "text/plain"}, nil
}

func TestNotifierFormatIsSwappable(t *testing.T) {
	n := opentrade.NewNotifier(upper{})
	n.Bind(secrets{cred: engine.DoorCredential{Door: opentrade.Door, MemberID: 12345678, MerchantID: "mer_1", Mode: payment.Sandbox}, secret: vectorSecret})
	body, h, ok, err := n.Notification(context.Background(), engine.DoorEvent{ID: "evt_01JN0000000000000000000001", Type: "payment.captured",
		MerchantID: "mer_1", Mode: payment.Sandbox, Payload: api.RenderEvent(vectorPayment(payment.Captured))})
	if err != nil || !ok || string(body) != strings.ToUpper(vectorCanonical) || h["Content-Type"] != "text/plain" {
		t.Fatalf("%q %v %v %v", body, h, ok, err)
	}
}
