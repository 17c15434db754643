package ottu_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/ottu"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The notifier renders Ottu's payment webhook from a native payment JSON
// (internal/api/render.go's shape), signed with the merchant's
// notification secret.
func TestNotifierPaymentWebhook(t *testing.T) {
	g := newGateway(t)
	ctx := context.Background()
	n := &ottu.Notifier{Engine: g.eng, Now: func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }}
	payload := `{"id":"pay_1","object":"payment","mode":"sandbox","status":"captured","amount":86000,"currency":"KWD","capture":"automatic",
		"amount_authorized":86000,"amount_captured":86000,"amount_refunded":0,"amount_refundable":86000,
		"payment_method":{"type":"card","id":null,"card":{"brand":"visa","first6":"424242","last4":"4242","exp_month":12,"exp_year":2031,"holder":"Ana","fingerprint":null}},
		"description":null,"reference":"ORD-9","customer":null,"metadata":{"checkout_session":"cs_none","ottu_payment_type":"one_off","ottu_customer_first_name":"example-customer"},
		"processor":"sandbox","processor_reference":"sbx_1","failure_code":null,"failure_message":null,"next_action":null,"initiator":"customer",
		"mandate":null,"notification_url":"https://shop.example/hook","pg_code":"knet","three_d_secure":null,"return_url":null,
		"created_at":"2026-11-24T12:00:00Z","updated_at":"2026-11-24T12:00:00Z"}`
	body, headers, ok, err := n.Notification(ctx, engine.DoorEvent{ID: "evt_1", Type: "payment.captured", MerchantID: g.actor.MerchantID,
		Mode: g.actor.Mode, ObjectID: "pay_1", Payload: []byte(payload), Attempt: 1})
	if err != nil || !ok || headers["Content-Type"] != "application/json" {
		t.Fatalf("notification: ok=%v err=%v headers=%v", ok, err, headers)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	key, err := g.eng.NotificationSecret(ctx, g.actor)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			fields[k] = s
		}
	}
	if !ottu.Verify(fields, key, m["signature"].(string)) {
		t.Fatal("signature does not verify")
	}
	if m["amount"] != "86.000" || m["state"] != "paid" || m["result"] != "success" || m["order_no"] != "ORD-9" ||
		m["customer_first_name"] != "example-customer" || m["session_id"] != "cs_none" {
		t.Fatalf("body: %s", body)
	}
	if string(body) != "" && len(body) > 0 {
		delete(m, "signature") // differs per merchant secret
		golden(t, "payment_webhook.json", m)
	}
	// Events Ottu has no webhook for are skipped.
	if _, _, ok, err := n.Notification(ctx, engine.DoorEvent{Type: "payment.requires_action", MerchantID: g.actor.MerchantID, Mode: g.actor.Mode,
		Payload: []byte(payload)}); ok || err != nil {
		t.Fatalf("requires_action: ok=%v err=%v", ok, err)
	}
	// A capture of an authorization is an operation webhook.
	var p map[string]any
	json.Unmarshal([]byte(payload), &p)
	p["capture"] = "manual"
	b, _ := json.Marshal(p)
	body, _, ok, err = n.Notification(ctx, engine.DoorEvent{Type: "payment.captured", MerchantID: g.actor.MerchantID, Mode: g.actor.Mode, Payload: b})
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	json.Unmarshal(body, &m)
	if m["operation"] != "capture" || m["success"] != true {
		t.Fatalf("capture webhook: %s", body)
	}
}

// golden compares v, as indented JSON, with testdata/name (go test -update rewrites it).
func golden(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != string(b)+"\n" {
		t.Errorf("%s differs:\n%s\nwant:\n%s", name, b, want)
	}
}
