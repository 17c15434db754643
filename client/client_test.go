package client_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/paygate/paygate/client"
	"github.com/paygate/paygate/internal/api"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/sandbox"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/sqlite"
)

// newClient runs a real paygate (SQLite, sandbox) and returns a client for a new merchant.
func newClient(t *testing.T) *client.Client {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	eng, _ := engine.New(engine.Config{Store: st, Connectors: map[payment.Mode]connector.Connector{payment.Sandbox: sandbox.New(sandbox.Options{})}})
	srv := httptest.NewServer(api.New(api.Config{Engine: eng}).Handler())
	t.Cleanup(func() { srv.Close(); st.Close() })
	_, key, err := eng.CreateMerchant(context.Background(), "Client Test")
	if err != nil {
		t.Fatal(err)
	}
	return client.New(srv.URL, key, client.WithRetries(2))
}

var visa = client.CardParams{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123"}

func TestClientDrivesAWholePaymentLifecycle(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	p, err := c.CreatePayment(ctx, client.CreatePaymentParams{Amount: 5000, Currency: "EUR", Capture: "manual", Card: visa,
		Reference: "r-1", Metadata: map[string]string{"a": "b"}}, client.IdempotencyKey("k-1"))
	if err != nil || p.Status != "authorized" || p.PaymentMethod.Card.Last4 != "4242" || p.Metadata["a"] != "b" {
		t.Fatalf("authorize: %+v %v", p, err)
	}
	again, err := c.CreatePayment(ctx, client.CreatePaymentParams{Amount: 5000, Currency: "EUR", Capture: "manual", Card: visa,
		Reference: "r-1", Metadata: map[string]string{"a": "b"}}, client.IdempotencyKey("k-1"))
	if err != nil || again.ID != p.ID {
		t.Fatalf("replay: %+v %v", again, err)
	}
	amount := int64(3000)
	if p, err = c.CapturePayment(ctx, p.ID, client.CaptureParams{Amount: &amount}); err != nil || p.AmountCaptured != 3000 {
		t.Fatalf("capture: %+v %v", p, err)
	}
	part := int64(1000)
	r, err := c.RefundPayment(ctx, p.ID, client.RefundParams{Amount: &part, Reason: "requested_by_customer"})
	if err != nil || r.Object != "refund" || r.Amount != 1000 || r.Status != "succeeded" {
		t.Fatalf("refund: %+v %v", r, err)
	}
	over := int64(5000)
	if _, err := c.RefundPayment(ctx, p.ID, client.RefundParams{Amount: &over}); !client.IsCode(err, "amount_too_large") {
		t.Fatalf("over-refund: %v", err)
	}
	got, err := c.GetPayment(ctx, p.ID)
	if err != nil || got.Status != "partially_refunded" || len(got.Operations) != 3 || got.CreatedAt.IsZero() {
		t.Fatalf("get: %+v %v", got, err)
	}
	v, _ := c.CreatePayment(ctx, client.CreatePaymentParams{Amount: 100, Currency: "EUR", Capture: "manual", Card: visa})
	if v, err = c.VoidPayment(ctx, v.ID); err != nil || v.Status != "voided" {
		t.Fatalf("void: %+v %v", v, err)
	}
	list, err := c.ListPayments(ctx, client.ListPaymentsParams{Reference: "r-1", Limit: 5})
	if err != nil || len(list.Data) != 1 || list.HasMore {
		t.Fatalf("list: %+v %v", list, err)
	}
	bal, err := c.GetBalance(ctx)
	if err != nil || len(bal.Available) != 1 || bal.Available[0].Amount != 2000 {
		t.Fatalf("balance: %+v %v", bal, err)
	}
}

func TestClientReportsDeclinesAndProblems(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	p, err := c.CreatePayment(ctx, client.CreatePaymentParams{Amount: 100, Currency: "USD",
		Card: client.CardParams{Number: "4000000000009995", ExpMonth: 12, ExpYear: 2030}})
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 402 || e.Code != "insufficient_funds" || p == nil || p.Status != "failed" {
		t.Fatalf("decline: %+v %v", p, err)
	}
	_, err = c.CreatePayment(ctx, client.CreatePaymentParams{Amount: 100, Currency: "XXQ", Card: visa})
	if !errors.As(err, &e) || e.Status != 400 || e.Code != "currency_invalid" || e.Param != "currency" || e.RequestID == "" {
		t.Fatalf("problem: %v", err)
	}
	if _, err := c.GetPayment(ctx, "pay_missing"); !client.IsCode(err, "resource_missing") {
		t.Fatalf("missing: %v", err)
	}
	bad := client.New("http://127.0.0.1:1", "sk_test_x")
	if _, err := bad.GetBalance(ctx); err == nil {
		t.Fatal("unreachable server gave no error")
	}
}
