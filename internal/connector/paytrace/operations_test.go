package paytrace_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/connector/paytrace"
	"github.com/paygate/paygate/internal/connector/paytrace/paytracefake"
	"github.com/paygate/paygate/internal/id"
)

func classOf(err error) connector.Class {
	var ce *connector.Error
	if errors.As(err, &ce) {
		return ce.Class
	}
	return ""
}

func TestEveryBodyCarriesTheIntegratorID(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	res := sale(t, conn)
	auth, _ := conn.Authorize(ctx, connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(500), Card: cardOf(paytracefake.ApproveCard)})
	conn.Void(ctx, connector.VoidRequest{ProcessorRef: auth.ProcessorRef, OperationID: id.New("op")})
	conn.Refund(ctx, connector.RefundRequest{ProcessorRef: res.ProcessorRef, OperationID: id.New("re"), Amount: usd(100)})
	conn.Status(ctx, connector.StatusRequest{PaymentID: id.New("pay")})
	conn.Status(ctx, connector.StatusRequest{ProcessorRef: res.ProcessorRef})
	conn.CreateCustomer(ctx, "cust-1", cardOf(paytracefake.ApproveCard))
	conn.ExportCustomer(ctx, "cust-1")
	conn.RefundToCustomer(ctx, "cust-1", usd(100), id.New("re"))
	conn.DeleteCustomer(ctx, "cust-1")
	conn.ClientKey(ctx)
	reqs := fake.Requests()
	if len(reqs) < 10 {
		t.Fatalf("only %d requests logged", len(reqs))
	}
	for _, r := range reqs {
		if r.Body["integrator_id"] != paytracefake.IntegratorID {
			t.Errorf("%s sent without integrator_id: %v", r.Path, r.Body["integrator_id"])
		}
	}
}

func TestTheFakeRefusesABodyWithoutIntegratorID(t *testing.T) {
	fake, conn := setup(t)
	cfg := configFor(fake)
	cfg.IntegratorID = ""
	conn = paytrace.New(cfg)
	_, err := conn.Authorize(context.Background(), connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(500), Card: cardOf(paytracefake.ApproveCard)})
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Class != connector.InvalidRequest || !strings.Contains(ce.Message, "Integrator ID") {
		t.Fatalf("err = %v", err)
	}
}

func TestAProtectTokenPaysOnce(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	if key, err := conn.ClientKey(ctx); err != nil || key == "" {
		t.Fatalf("client key %q: %v", key, err)
	}
	hpf, enc := fake.IssueProtectToken(paytracefake.Card{Number: paytracefake.ApproveCard, ExpMonth: 12, ExpYear: 2031, CSC: "123"})
	res, err := conn.AuthorizeProtect(ctx, paytrace.ProtectRequest{PaymentID: id.New("pay"), Amount: usd(2500), Capture: true, HPFToken: hpf, EncKey: enc, Holder: "Ada"})
	if err != nil || res.Outcome != connector.Approved || !res.Captured {
		t.Fatalf("first use: %+v %v", res, err)
	}
	_, err = conn.AuthorizeProtect(ctx, paytrace.ProtectRequest{PaymentID: id.New("pay"), Amount: usd(2500), Capture: true, HPFToken: hpf, EncKey: enc})
	if classOf(err) != connector.InvalidRequest {
		t.Fatalf("second use of one hpf_token: %v", err)
	}
	hpf2, _ := fake.IssueProtectToken(paytracefake.Card{Number: paytracefake.ApproveCard, ExpMonth: 12, ExpYear: 2031})
	if _, err := conn.AuthorizeProtect(ctx, paytrace.ProtectRequest{PaymentID: id.New("pay"), Amount: usd(100), HPFToken: hpf2, EncKey: "wrong"}); classOf(err) != connector.InvalidRequest {
		t.Fatalf("a token with the wrong enc_key: %v", err)
	}
}

func TestAProtectAuthorizationIsCapturedLater(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	hpf, enc := fake.IssueProtectToken(paytracefake.Card{Number: paytracefake.ApproveCard, ExpMonth: 12, ExpYear: 2031})
	pid := id.New("pay")
	res, err := conn.AuthorizeProtect(ctx, paytrace.ProtectRequest{PaymentID: pid, Amount: usd(2500), HPFToken: hpf, EncKey: enc})
	if err != nil || res.Outcome != connector.Approved || res.Captured {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := conn.Capture(ctx, connector.CaptureRequest{PaymentID: pid, Amount: usd(2500)}); err != nil {
		t.Fatalf("capture by payment id: %v", err)
	}
	if st, err := conn.Status(ctx, connector.StatusRequest{PaymentID: pid}); err != nil || !st.Captured {
		t.Fatalf("status: %+v %v", st, err)
	}
}

func TestVaultedCustomers(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	if err := conn.CreateCustomer(ctx, "cust-42", cardOf(paytracefake.ApproveCard)); err != nil {
		t.Fatal(err)
	}
	if err := conn.CreateCustomer(ctx, "cust-42", cardOf(paytracefake.ApproveCard)); classOf(err) != connector.InvalidRequest {
		t.Fatalf("a second customer with one id: %v", err)
	}
	cu, err := conn.ExportCustomer(ctx, "cust-42")
	if err != nil || cu.MaskedNumber != "xxxxxxxxxxxx1111" || cu.ExpYear != 2031 {
		t.Fatalf("export: %+v %v", cu, err)
	}
	t.Run("a customer is charged by id", func(t *testing.T) {
		res, err := conn.AuthorizeCustomer(ctx, paytrace.CustomerPaymentRequest{PaymentID: id.New("pay"), CustomerID: "cust-42", Amount: usd(1999), Capture: true})
		if err != nil || res.Outcome != connector.Approved || !res.Captured {
			t.Fatalf("%+v %v", res, err)
		}
	})
	t.Run("credits to a customer may be partial and repeated", func(t *testing.T) {
		for i := range 3 {
			op := id.New("re")
			res, err := conn.RefundToCustomer(ctx, "cust-42", usd(int64(100+i)), op)
			if err != nil || res.Outcome != connector.Approved {
				t.Fatalf("credit %d: %+v %v", i, res, err)
			}
			again, err := conn.RefundToCustomer(ctx, "cust-42", usd(int64(100+i)), op)
			if err != nil || again.ProcessorRef != res.ProcessorRef {
				t.Fatalf("a repeated operation id was sent again: %+v %v", again, err)
			}
			if st, err := conn.Status(ctx, connector.StatusRequest{OperationID: op}); err != nil || st.Outcome != connector.Approved {
				t.Fatalf("status of credit %d: %+v %v", i, st, err)
			}
		}
		if n := fake.Count("/v1/transactions/refund/to_customer"); n != 3 {
			t.Fatalf("%d credits sent, want 3", n)
		}
	})
	if err := conn.DeleteCustomer(ctx, "cust-42"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExportCustomer(ctx, "cust-42"); classOf(err) != connector.InvalidRequest {
		t.Fatalf("export after delete: %v", err)
	}
}

func TestAFullRefundForATransactionHappensOnce(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	res := sale(t, conn)
	r, err := conn.RefundFull(ctx, res.ProcessorRef, id.New("re"))
	if err != nil || r.Outcome != connector.Approved {
		t.Fatalf("full refund: %+v %v", r, err)
	}
	_, err = conn.RefundFull(ctx, res.ProcessorRef, id.New("re"))
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Class != connector.InvalidRequest || ce.Code != "refund_unsuccessful" {
		t.Fatalf("second full refund: %v", err)
	}
	if r, err := conn.Refund(ctx, connector.RefundRequest{ProcessorRef: res.ProcessorRef, OperationID: id.New("re"), Amount: usd(1)}); err != nil || r.DeclineCode != connector.RefundUnsupported {
		t.Fatalf("a partial refund after a full one: %+v %v", r, err)
	}
	ref := mustInt(t, res.ProcessorRef)
	if tx, _ := fake.Transaction(ref); tx.Refunded != 1000 {
		t.Fatalf("refunded %d cents, want 1000", tx.Refunded)
	}
}

func TestFollowUpsBeyondTheirLimitsAreInvalidRequests(t *testing.T) {
	_, conn := setup(t)
	ctx := context.Background()
	auth, err := conn.Authorize(ctx, connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: usd(500), Card: cardOf(paytracefake.ApproveCard)})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"a capture beyond the authorization", func() error {
			_, err := conn.Capture(ctx, connector.CaptureRequest{ProcessorRef: auth.ProcessorRef, Amount: usd(501)})
			return err
		}, "capture_unsuccessful"},
		{"a refund of an uncaptured authorization", func() error {
			_, err := conn.Refund(ctx, connector.RefundRequest{ProcessorRef: auth.ProcessorRef, Amount: usd(100)})
			return err
		}, "refund_unsuccessful"},
		{"a void of a sale", func() error {
			_, err := conn.Void(ctx, connector.VoidRequest{ProcessorRef: sale(t, conn).ProcessorRef})
			return err
		}, "void_unsuccessful"},
		{"a capture of an unknown transaction", func() error {
			_, err := conn.Capture(ctx, connector.CaptureRequest{ProcessorRef: "999999999999", Amount: usd(1)})
			return err
		}, "paytrace_error_58"},
		{"a payout", func() error {
			_, err := conn.Payout(ctx, connector.PayoutRequest{PayoutID: id.New("po"), Amount: usd(1)})
			return err
		}, "operation_unsupported"},
		{"a charge in euros", func() error {
			_, err := conn.Authorize(ctx, connector.AuthorizeRequest{PaymentID: id.New("pay"), Amount: eur(100), Card: cardOf(paytracefake.ApproveCard)})
			return err
		}, "currency_unsupported"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			err := tc.call()
			var ce *connector.Error
			if !errors.As(err, &ce) || ce.Class != connector.InvalidRequest || ce.Code != tc.code {
				t.Fatalf("err = %v, want invalid_request %s", err, tc.code)
			}
		})
	}
}

func TestARepeatedAuthorizationIsNeverSentTwice(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	pid := id.New("pay")
	req := connector.AuthorizeRequest{PaymentID: pid, Amount: usd(700), Card: cardOf(paytracefake.ApproveCard)}
	first, err := conn.Authorize(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if again, err := conn.Authorize(ctx, req); err != nil || again.ProcessorRef != first.ProcessorRef {
			t.Fatalf("%+v %v", again, err)
		}
	}
	if n := fake.Count("/v1/transactions/authorization/keyed"); n != 1 {
		t.Fatalf("%d authorizations sent for one payment id", n)
	}
}

func TestARetryAfterALostAnswerFindsTheFirstChargeInsteadOfChargingAgain(t *testing.T) {
	fake, conn := setup(t)
	sale(t, conn) // log in first, so the stall hits the sale
	pid := id.New("pay")
	req := connector.AuthorizeRequest{PaymentID: pid, Amount: usd(1200), Capture: true, Card: cardOf(paytracefake.ApproveCard)}
	fake.ActThenStall(2 * time.Second)
	tctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := conn.Authorize(tctx, req); !connector.OutcomeUnknown(err) {
		t.Fatalf("stalled sale: %v", err)
	}
	res, err := conn.Authorize(context.Background(), req)
	if err != nil || res.Outcome != connector.Approved || !res.Captured {
		t.Fatalf("retry: %+v %v", res, err)
	}
	if n := fake.Count("/v1/transactions/sale/keyed"); n != 2 {
		t.Fatalf("%d sales sent, want the first sale and the stalled one only", n)
	}
}

func TestFollowUpStatusAfterARestartWithoutRecord(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	pid := id.New("pay")
	auth, _ := conn.Authorize(ctx, connector.AuthorizeRequest{PaymentID: pid, Amount: usd(500), Card: cardOf(paytracefake.ApproveCard)})
	refundOp := id.New("re")
	restarted := paytrace.New(configFor(fake))
	if st, err := restarted.Status(ctx, connector.StatusRequest{PaymentID: pid, OperationID: id.New("op")}); err != nil || st.Outcome != connector.NotFound {
		t.Fatalf("an untouched authorization has no follow-ups: %+v %v", st, err)
	}
	conn.Capture(ctx, connector.CaptureRequest{ProcessorRef: auth.ProcessorRef, OperationID: id.New("op"), Amount: usd(500)})
	conn.Refund(ctx, connector.RefundRequest{ProcessorRef: auth.ProcessorRef, OperationID: refundOp, Amount: usd(200)})
	if st, err := restarted.Status(ctx, connector.StatusRequest{PaymentID: pid, OperationID: refundOp}); err != nil || st.Outcome != connector.Approved {
		t.Fatalf("a refund is found by its invoice id: %+v %v", st, err)
	}
	if _, err := restarted.Status(ctx, connector.StatusRequest{PaymentID: pid, OperationID: id.New("op")}); !connector.OutcomeUnknown(err) {
		t.Fatalf("an unrecorded operation on a captured authorization: %v, want unknown", err)
	}
}

// The payer's browser encrypts the card with the account's public key
// (PayTrace's client-side encryption); paygate forwards the ciphertext and
// PayTrace opens it. A ciphertext under another key is refused.
func TestASaleWithAnEncryptedNumber(t *testing.T) {
	fake, conn := setup(t)
	ctx := context.Background()
	block, _ := pem.Decode(fake.E2EEPublicKeyPEM())
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	encrypt := func(pub *rsa.PublicKey, s string) string {
		ct, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, []byte(s), nil)
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(ct)
	}
	k := pub.(*rsa.PublicKey)
	res, err := conn.AuthorizeEncrypted(ctx, paytrace.EncryptedRequest{PaymentID: id.New("pay"), Amount: usd(1999), Capture: true,
		EncryptedNumber: encrypt(k, paytracefake.ApproveCard), EncryptedCSC: encrypt(k, "123"), ExpMonth: 12, ExpYear: 2031, Holder: "Ada"})
	if err != nil || res.Outcome != connector.Approved || !res.Captured {
		t.Fatalf("encrypted sale: %+v %v", res, err)
	}
	req := fake.Requests()[len(fake.Requests())-1]
	if cc, _ := req.Body["credit_card"].(map[string]any); cc["number"] != nil || cc["encrypted_number"] == "" {
		t.Fatalf("the request carried %v", req.Body)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, err = conn.AuthorizeEncrypted(ctx, paytrace.EncryptedRequest{PaymentID: id.New("pay"), Amount: usd(1999), Capture: true,
		EncryptedNumber: encrypt(&other.PublicKey, paytracefake.ApproveCard), ExpMonth: 12, ExpYear: 2031})
	if classOf(err) != connector.InvalidRequest {
		t.Fatalf("a number under another key: %v", err)
	}
}
