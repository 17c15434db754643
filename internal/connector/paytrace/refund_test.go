package paytrace_test

import (
	"context"
	"errors"
	"testing"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/paytrace"
	"github.com/paygate/paygate/internal/connector/paytrace/paytracefake"
	"github.com/paygate/paygate/internal/id"
)

const (
	forTransaction = "/v1/transactions/refund/for_transaction"
	toCustomer     = "/v1/transactions/refund/to_customer"
)

// PayTrace refunds a transaction once (reference §1.8); a card sale has no
// customer to credit, so its second refund is declined before anything is
// sent, and the money PayTrace refunded stays what it was.
func TestASecondRefundOfACardSaleIsDeclinedUnsentAsUnsupported(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	res := sale(t, conn)
	if r, err := conn.Refund(ctx, connector.RefundRequest{ProcessorRef: res.ProcessorRef, OperationID: id.New("re"), Amount: usd(300)}); err != nil || r.Outcome != connector.Approved {
		t.Fatalf("first refund: %+v %v", r, err)
	}
	r, err := conn.Refund(ctx, connector.RefundRequest{ProcessorRef: res.ProcessorRef, OperationID: id.New("re"), Amount: usd(200)})
	if err != nil || r.Outcome != connector.Declined || r.DeclineCode != connector.RefundUnsupported || r.Retryable || r.Message == "" {
		t.Fatalf("second refund: %+v %v", r, err)
	}
	if n, m := fake.Count(forTransaction), fake.Count(toCustomer); n != 1 || m != 0 {
		t.Fatalf("PayTrace got %d for_transaction and %d to_customer refunds, want 1 and 0", n, m)
	}
	if tx, _ := fake.Transaction(mustInt(t, res.ProcessorRef)); tx.Refunded != 300 {
		t.Fatalf("refunded %d cents, want 300", tx.Refunded)
	}
}

// A sale charged to a vaulted PayTrace customer is refunded first for the
// transaction, then in repeatable partial credits to that customer.
func TestLaterRefundsOfACustomerSaleAreCreditsToTheCustomer(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	if err := conn.CreateCustomer(ctx, "cust-7", cardOf(paytracefake.ApproveCard)); err != nil {
		t.Fatal(err)
	}
	pid := id.New("pay")
	res, err := conn.AuthorizeCustomer(ctx, paytrace.CustomerPaymentRequest{PaymentID: pid, CustomerID: "cust-7", Amount: usd(1000), Capture: true})
	if err != nil || res.Outcome != connector.Approved {
		t.Fatalf("sale: %+v %v", res, err)
	}
	ops := []string{id.New("re"), id.New("re"), id.New("re")}
	refs := map[string]bool{}
	for i, op := range ops {
		r, err := conn.Refund(ctx, connector.RefundRequest{PaymentID: pid, ProcessorRef: res.ProcessorRef, OperationID: op, Amount: usd(200)})
		if err != nil || r.Outcome != connector.Approved || r.ProcessorRef == "" || refs[r.ProcessorRef] {
			t.Fatalf("refund %d: %+v %v", i, r, err)
		}
		refs[r.ProcessorRef] = true
		if st, err := conn.Status(ctx, connector.StatusRequest{PaymentID: pid, OperationID: op}); err != nil || st.Outcome != connector.Approved || st.ProcessorRef != r.ProcessorRef {
			t.Fatalf("status of refund %d: %+v %v", i, st, err)
		}
	}
	if n, m := fake.Count(forTransaction), fake.Count(toCustomer); n != 1 || m != 2 {
		t.Fatalf("PayTrace got %d for_transaction and %d to_customer refunds, want 1 and 2", n, m)
	}
	var credited int64
	for _, tx := range fake.Transactions() {
		if tx.Type == "Refund" {
			credited += tx.Amount
		}
	}
	if credited != 600 {
		t.Fatalf("PayTrace refunded %d cents in all, want 600", credited)
	}

	// After a restart the connector has no record of the operation ids; a
	// refund sent again finds its first attempt by invoice_id instead of
	// crediting the customer once more.
	restarted := paytrace.New(configFor(fake))
	for i, op := range ops[:2] {
		r, err := restarted.Refund(ctx, connector.RefundRequest{PaymentID: pid, ProcessorRef: res.ProcessorRef, OperationID: op, Amount: usd(200)})
		if err != nil || r.Outcome != connector.Approved {
			t.Fatalf("refund %d sent again: %+v %v", i, r, err)
		}
	}
	if n, m := fake.Count(forTransaction), fake.Count(toCustomer); n != 1 || m != 2 {
		t.Fatalf("a refund sent again after a restart reached PayTrace: %d for_transaction, %d to_customer", n, m)
	}
}

// Two refunds of one sale racing in one process: one takes the
// transaction's single refund, the other is declined as unsupported;
// never two for_transaction refunds, never a refusal from PayTrace.
func TestConcurrentRefundsOfOneSaleTakeTheSingleRefundOnce(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	res := sale(t, conn)
	type answer struct {
		r   connector.Result
		err error
	}
	answers := make(chan answer, 2)
	for range 2 {
		go func() {
			r, err := conn.Refund(ctx, connector.RefundRequest{ProcessorRef: res.ProcessorRef, OperationID: id.New("re"), Amount: usd(100)})
			answers <- answer{r, err}
		}()
	}
	approved, unsupported := 0, 0
	for range 2 {
		a := <-answers
		switch {
		case a.err == nil && a.r.Outcome == connector.Approved:
			approved++
		case a.err == nil && a.r.DeclineCode == connector.RefundUnsupported:
			unsupported++
		default:
			t.Errorf("unexpected answer %+v %v", a.r, a.err)
		}
	}
	if approved != 1 || unsupported != 1 || fake.Count(forTransaction) != 1 {
		t.Fatalf("%d approved, %d unsupported, %d sent", approved, unsupported, fake.Count(forTransaction))
	}
}

// With CustomerPerPayment a keyed card is vaulted as the customer named by
// the payment and charged by_customer: PayTrace sees no keyed sale, the
// sale can be refunded in several parts, and a repeated authorization
// neither vaults nor charges again.
func TestACustomerPerPaymentMakesRefundsRepeatable(t *testing.T) {
	fake, conn, cfg := setupCustomerPerPayment(t)
	ctx := context.Background()
	pid := id.New("pay")
	req := connector.AuthorizeRequest{PaymentID: pid, Amount: usd(1000), Capture: true, Card: cardOf(paytracefake.ApproveCard)}
	res, err := conn.Authorize(ctx, req)
	if err != nil || res.Outcome != connector.Approved || !res.Captured {
		t.Fatalf("sale: %+v %v", res, err)
	}
	if again, err := conn.Authorize(ctx, req); err != nil || again.ProcessorRef != res.ProcessorRef {
		t.Fatalf("repeat: %+v %v", again, err)
	}
	if c, s, k := fake.Count("/v1/customer/create"), fake.Count("/v1/transactions/sale/by_customer"), fake.Count("/v1/transactions/sale/keyed"); c != 1 || s != 1 || k != 0 {
		t.Fatalf("PayTrace saw %d customer creates, %d by_customer and %d keyed sales; want 1, 1, 0", c, s, k)
	}
	if cu, err := conn.ExportCustomer(ctx, pid); err != nil || cu.MaskedNumber == "" || cu.MaskedNumber == paytracefake.ApproveCard {
		t.Fatalf("the payment's customer: %+v %v", cu, err)
	}
	for i, amount := range []int64{300, 200, 500} {
		r, err := conn.Refund(ctx, connector.RefundRequest{PaymentID: pid, ProcessorRef: res.ProcessorRef, OperationID: id.New("re"), Amount: usd(amount)})
		if err != nil || r.Outcome != connector.Approved {
			t.Fatalf("refund %d: %+v %v", i, r, err)
		}
	}
	if n, m := fake.Count(forTransaction), fake.Count(toCustomer); n != 1 || m != 2 {
		t.Fatalf("PayTrace got %d for_transaction and %d to_customer refunds, want 1 and 2", n, m)
	}

	// A restarted connector asked for a new payment whose customer an
	// earlier attempt already made (its answer lost) finds it and charges.
	pid2 := id.New("pay")
	if err := conn.CreateCustomer(ctx, pid2, cardOf(paytracefake.ApproveCard)); err != nil {
		t.Fatal(err)
	}
	r2, err := paytrace.New(cfg).Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid2, Amount: usd(700), Capture: true, Card: cardOf(paytracefake.ApproveCard)})
	if err != nil || r2.Outcome != connector.Approved {
		t.Fatalf("sale with its customer already made: %+v %v", r2, err)
	}
	// A card PayTrace refuses to vault is refused as a keyed sale would be,
	// and nothing is charged.
	_, err = conn.Authorize(ctx, connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(100), Capture: true, Card: cardOf("4111111111111112")})
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Class != connector.InvalidRequest || ce.Code != "paytrace_error_35" {
		t.Fatalf("bad number: %v", err)
	}
	if s := fake.Count("/v1/transactions/sale/by_customer"); s != 2 {
		t.Fatalf("%d by_customer sales, want 2", s)
	}
}

// With a customer per payment the CSC still reaches the issuer: it goes
// with the by_customer charge (a vault keeps none), so a wrong one is
// declined as incorrect_cvc, and the declined payment's customer is
// deleted (no card kept for a payment that can never be refunded).
func TestACustomerPerPaymentChargeCarriesTheCSC(t *testing.T) {
	fake, conn, _ := setupCustomerPerPayment(t)
	ctx := context.Background()
	pid := id.New("pay")
	res, err := conn.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, Amount: usd(1000), Capture: true, Card: cardOf(paytracefake.IncorrectCVCCard)})
	if err != nil || res.Outcome != connector.Declined || res.DeclineCode != "incorrect_cvc" {
		t.Fatalf("a wrong CSC: %+v %v", res, err)
	}
	var charged bool
	for _, r := range fake.Requests() {
		switch r.Path {
		case "/v1/transactions/sale/by_customer":
			charged = true
			if r.Body["csc"] != "123" {
				t.Fatalf("the charge went without the CSC: %v", r.Body)
			}
		case "/v1/customer/create":
			if _, kept := r.Body["csc"]; kept {
				t.Fatal("the CSC was sent to the vault")
			}
		}
	}
	if !charged {
		t.Fatal("no by_customer charge")
	}
	if _, err := conn.ExportCustomer(ctx, pid); err == nil {
		t.Fatal("the declined payment's customer is still vaulted")
	}
}

// A voided authorization made with a customer per payment can never be
// refunded, so its PayTrace customer is deleted with the void.
func TestAVoidDeletesThePaymentsCustomer(t *testing.T) {
	_, conn, _ := setupCustomerPerPayment(t)
	ctx := context.Background()
	pid := id.New("pay")
	res, err := conn.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, Amount: usd(500), Card: cardOf(paytracefake.ApproveCard)})
	if err != nil || res.Outcome != connector.Approved || res.Captured {
		t.Fatalf("authorization: %+v %v", res, err)
	}
	if _, err := conn.ExportCustomer(ctx, pid); err != nil {
		t.Fatalf("no customer before the void: %v", err)
	}
	if r, err := conn.Void(ctx, connector.VoidRequest{PaymentID: pid, OperationID: id.New("op"), ProcessorRef: res.ProcessorRef}); err != nil || r.Outcome != connector.Approved {
		t.Fatalf("void: %+v %v", r, err)
	}
	if _, err := conn.ExportCustomer(ctx, pid); err == nil {
		t.Fatal("the voided payment's customer is still vaulted")
	}
}
