package opentrade_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/opentrade"
)

// The known-answer vectors of the signed calls in docs/migrate-opentrade.md.
func TestSignedCallsKnownAnswer(t *testing.T) {
	st := opentrade.StatusRequest{MemberID: "48213377", TransactionID: "pay_01JN0000000000000000000000", Timestamp: "2025-03-01T10:05:00Z"}
	if c := st.Canonical(); c != "status|48213377|pay_01JN0000000000000000000000||2025-03-01T10:05:00Z" {
		t.Fatalf("status canonical %q", c)
	}
	if s := st.Values(vectorSecret).Get("Signature"); s != "dd680ec8a9d311806999b22233b382522b22f39cbc9933ac2eb2f0a9d57d46bd" {
		t.Fatalf("status signature %s", s)
	}
	rf := opentrade.RefundRequest{MemberID: "48213377", TransactionID: "pay_01JN0000000000000000000000", Amount: "100.05", Currency: "643",
		RefundID: "RF-1", Timestamp: "2025-03-01T10:05:00Z"}
	if c := rf.Canonical(); c != "refund|48213377|pay_01JN0000000000000000000000||100.05|643|RF-1|2025-03-01T10:05:00Z" {
		t.Fatalf("refund canonical %q", c)
	}
	v := rf.Values(vectorSecret)
	if s := v.Get("Signature"); s != "c9e9acd05b0b4c66f9cde97af5303aeffb449263d40dbde83723f632f3a6fc83" {
		t.Fatalf("refund signature %s", s)
	}
	if v.Has("PaymentID") || v.Get("RefundID") != "RF-1" || v.Get("Amount") != "100.05" {
		t.Fatalf("refund form %v", v)
	}
}

// call POSTs a signed call and reads its answer.
func (g *gateway) call(name string, v url.Values) (int, *opentrade.CallAnswer, string) {
	g.t.Helper()
	resp, body := fetch(g.t, "POST", g.url+opentrade.Prefix+name, v)
	var a opentrade.CallAnswer
	if err := xml.Unmarshal([]byte(body), &a); err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/xml") {
		g.t.Fatalf("%s: not an XML answer: %d %s", name, resp.StatusCode, body)
	}
	return resp.StatusCode, &a, body
}

// payThroughDoor sends the payer's form and pays it on the hosted page;
// it returns the payment's id.
func (g *gateway) payThroughDoor(paymentID, amount string, edits ...func(url.Values)) string {
	g.t.Helper()
	form := vendorSample()
	form.Set("paymentId", paymentID)
	form.Set("amount", amount)
	for _, edit := range edits {
		edit(form)
	}
	resp, body := fetch(g.t, "POST", g.url+"/opentrade/v1/pay/"+g.memberID(), form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther {
		g.t.Fatalf("form: %d %s", resp.StatusCode, body)
	}
	_, page := fetch(g.t, "GET", loc, nil)
	card := url.Values{"csrf": {csrfField.FindStringSubmatch(page)[1]}, "number": {"4242424242424242"}, "expiry": {"12/31"}, "cvc": {"123"}, "holder": {"Ana"}}
	resp, body = fetch(g.t, "POST", loc, card, "Origin", g.url)
	back := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(back, "session_id=cs_") {
		g.t.Fatalf("pay: %d %s", resp.StatusCode, body)
	}
	s, err := g.eng.GetCheckoutSession(context.Background(), g.actor, back[strings.Index(back, "cs_"):])
	if err != nil || s.PaymentID == "" {
		g.t.Fatalf("session %+v %v", s, err)
	}
	return s.PaymentID
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }

func TestStatusAndRefundCallsAreSignedWithThePaymentSecret(t *testing.T) {
	g := newGateway(t)
	ctx := context.Background()
	pay := g.payThroughDoor("301", "500.15")

	t.Run("status by TransactionID and by PaymentID", func(t *testing.T) {
		for _, q := range []opentrade.StatusRequest{{MemberID: g.memberID(), TransactionID: pay, Timestamp: now()}, {MemberID: g.memberID(), PaymentID: "301", Timestamp: now()}} {
			status, a, raw := g.call("status", q.Values(g.secret))
			r := a.Result
			if status != 200 || a.XMLName.Local != "PaymentStatusAnswer" || a.ErrorCode != "Ok" || r == nil || r.TransactionID != pay || r.PaymentID != "301" ||
				r.UserID != "0000000001" || r.Amount != "500.15" || r.Currency != "643" || r.Status != "success" || r.RefundedAmount != "0.00" || r.RefundableAmount != "500.15" {
				t.Fatalf("%+v: %d %s", q, status, raw)
			}
		}
	})
	t.Run("refusals say why and change nothing", func(t *testing.T) {
		good := opentrade.StatusRequest{MemberID: g.memberID(), TransactionID: pay, Timestamp: now()}
		tampered := good.Values(g.secret)
		tampered.Set("TransactionID", "pay_other")
		stale := good
		stale.Timestamp = time.Now().Add(-10 * time.Minute).UTC().Format(time.RFC3339)
		refundSig := opentrade.RefundRequest{MemberID: g.memberID(), TransactionID: pay, RefundID: "x", Timestamp: good.Timestamp}.Values(g.secret)
		asStatus := good.Values(g.secret)
		asStatus.Set("Signature", refundSig.Get("Signature"))
		for name, c := range map[string]struct {
			call   string
			v      url.Values
			status int
			code   string
		}{
			"another secret":               {"status", good.Values(g.secret + "x"), 401, "AuthenticationFailed"},
			"a changed field":              {"status", tampered, 401, "AuthenticationFailed"},
			"an unknown member":            {"status", opentrade.StatusRequest{MemberID: "99999999", TransactionID: pay, Timestamp: now()}.Values(g.secret), 401, "AuthenticationFailed"},
			"no signature":                 {"status", url.Values{"MemberID": {g.memberID()}, "TransactionID": {pay}, "Timestamp": {now()}}, 401, "AuthenticationFailed"},
			"a refund's signature":         {"status", asStatus, 401, "AuthenticationFailed"},
			"a timestamp 10 minutes old":   {"status", stale.Values(g.secret), 401, "AuthenticationFailed"},
			"no payment named":             {"status", opentrade.StatusRequest{MemberID: g.memberID(), Timestamp: now()}.Values(g.secret), 400, "InvalidParameter"},
			"an unknown payment":           {"status", opentrade.StatusRequest{MemberID: g.memberID(), PaymentID: "nope", Timestamp: now()}.Values(g.secret), 404, "NotFound"},
			"a refund over what was paid":  {"refund", opentrade.RefundRequest{MemberID: g.memberID(), TransactionID: pay, Amount: "500.16", Currency: "643", RefundID: "big", Timestamp: now()}.Values(g.secret), 400, "InvalidParameter"},
			"a refund in another currency": {"refund", opentrade.RefundRequest{MemberID: g.memberID(), TransactionID: pay, Amount: "1.00", Currency: "840", RefundID: "usd", Timestamp: now()}.Values(g.secret), 400, "InvalidParameter"},
			"a refund without RefundID":    {"refund", opentrade.RefundRequest{MemberID: g.memberID(), TransactionID: pay, Timestamp: now()}.Values(g.secret), 400, "InvalidParameter"},
		} {
			status, a, raw := g.call(c.call, c.v)
			if status != c.status || a.ErrorCode != c.code || a.Result != nil || a.ErrorDescription == "" {
				t.Errorf("%s: %d %s", name, status, raw)
			}
		}
		if p, _, _ := g.eng.GetPayment(ctx, g.actor, pay); p.Refunded != 0 {
			t.Errorf("a refused call refunded %d", p.Refunded)
		}
		// An over-refund is told in the wire's decimals, naming the field as sent.
		big := opentrade.RefundRequest{MemberID: g.memberID(), TransactionID: pay, Amount: "500.16", Currency: "643", RefundID: "big2", Timestamp: now()}
		if _, a, raw := g.call("refund", big.Values(g.secret)); a.ErrorDescription != "Amount: 500.16 exceeds the 500.15 that can still be refunded" {
			t.Errorf("over-refund: %s", raw)
		}
	})
	t.Run("another member's payment is not found", func(t *testing.T) {
		other, secret, err := g.eng.CreateDoorCredential(ctx, g.actor, opentrade.Door, engine.DoorCredentialOptions{})
		if err != nil {
			t.Fatal(err)
		}
		q := opentrade.StatusRequest{MemberID: strconv.FormatInt(other.MemberID, 10), TransactionID: pay, Timestamp: now()}
		if status, a, raw := g.call("status", q.Values(secret)); status != 404 || a.ErrorCode != "NotFound" {
			t.Errorf("%d %s", status, raw)
		}
	})

	refund := func(id, amount string) (int, *opentrade.CallAnswer, string) {
		cur := ""
		if amount != "" {
			cur = "643"
		}
		return g.call("refund", opentrade.RefundRequest{MemberID: g.memberID(), TransactionID: pay, Amount: amount, Currency: cur, RefundID: id, Timestamp: now()}.Values(g.secret))
	}
	status, a, raw := refund("RF-1", "100.05")
	if status != 200 || a.XMLName.Local != "RefundAnswer" || a.Result == nil || a.Result.Status != "partially_refunded" || a.Result.RefundedAmount != "100.05" ||
		a.Result.RefundableAmount != "400.10" || a.Result.Refund == nil || *a.Result.Refund != (opentrade.RefundResult{RefundID: "RF-1", Amount: "100.05", Status: "succeeded"}) {
		t.Fatalf("partial refund: %d %s", status, raw)
	}
	t.Run("a repeated RefundID answers the first refund and refunds nothing more", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			if s2, a2, raw2 := refund("RF-1", "100.05"); s2 != 200 || a2.Result == nil || a2.Result.Refund == nil || a2.Result.Refund.RefundID != "RF-1" || a2.Result.Refund.Amount != "100.05" {
				t.Fatalf("repeat: %d %s", s2, raw2)
			}
		}
		if s2, a2, raw2 := refund("RF-1", "1.00"); s2 != 409 || a2.ErrorCode != "RefundIDReused" {
			t.Fatalf("RefundID reused for another amount: %d %s", s2, raw2)
		}
		if p, _, _ := g.eng.GetPayment(ctx, g.actor, pay); p.Refunded != 10005 {
			t.Fatalf("refunded %d, want 10005", p.Refunded)
		}
	})
	status, a, raw = refund("RF-2", "")
	if status != 200 || a.Result == nil || a.Result.Status != "refunded" || a.Result.RefundableAmount != "0.00" || a.Result.Refund == nil || a.Result.Refund.Amount != "400.10" {
		t.Fatalf("refund of the rest: %d %s", status, raw)
	}
	if status, a, raw := refund("RF-3", ""); status != 409 || a.ErrorCode != "Conflict" {
		t.Fatalf("refund of a refunded payment: %d %s", status, raw)
	}
	if r, err := g.eng.VerifyLedger(ctx); err != nil || !r.OK() {
		t.Fatalf("ledger: %+v %v", r, err)
	}
	if strings.Contains(g.logs.String(), g.secret) {
		t.Error("the payment secret is in the logs")
	}
}
