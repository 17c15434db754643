package smartpay_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/delivery"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/smartpay"
)

func createBody(merchantKey, partnerRef, extra string) string {
	ref := ""
	if partnerRef != "" {
		ref = fmt.Sprintf(`"partnerReference": %q,`, partnerRef)
	}
	return `{"merchantKey": "` + merchantKey + `", ` + ref + extra + `
	  "payment": {"amount": 10.99, "currencyCode": "EUR", "description": "Purchase 1x product ABC"},
	  "consumer": {"firstName": "Butcher", "lastName": "Hells", "emailAddress": "hells.butcher_001@mail.com"},
	  "billingAddress": {"addressLine1": "Anystreet", "number": "123", "city": "Anycity", "postCode": "12345", "countryCode": "DE"}}`
}

func modBody(tx, merchantKey, modID, amount string) string {
	b := fmt.Sprintf(`{"transactionId": %q, "merchantKey": %q, "modificationId": %q`, tx, merchantKey, modID)
	if amount != "" {
		b += `, "modifiedAmount": {"amount": ` + amount + `, "currencyCode": "EUR", "description": "part"}`
	}
	return b + "}"
}

// TestEndToEnd creates through SmartPay, pays with the checkout token on
// the hosted page, reads the status, captures, refunds, cancels-or-refunds,
// and finds the same payment in the native API with the ledger balanced.
func TestEndToEnd(t *testing.T) {
	g := newGateway(t)
	ctx := context.Background()
	h := newHook(t)
	basic := g.basic()
	bearer := "Bearer " + g.oauthToken()

	r := g.call("POST", "/payment/creation", basic, createBody(g.merchant, "order-1:a", `"notificationUrl": "`+h.srv.URL+`/hook",`))
	if r.status != 200 {
		t.Fatalf("creation: %d %s", r.status, r.body)
	}
	c := r.json(t)
	tx, token := c["transactionId"].(string), c["checkoutToken"].(string)
	if len(tx) != 36 || c["paymentStatus"] != "CREATED" || !strings.HasPrefix(token, "ct_") {
		t.Fatalf("creation answer %s", r.body)
	}

	st := g.call("GET", "/payment/status/"+tx, bearer, "").json(t)
	if st["paymentStatus"] != "CREATED" || st["partnerReference"] != "order-1:a" {
		t.Fatalf("status before paying: %v", st)
	}

	t.Run("the same partnerReference is refused", func(t *testing.T) {
		r := g.call("POST", "/payment/creation", basic, createBody(g.merchant, "order-1:a", ""))
		if r.status != 409 || r.json(t)["errorCode"] != "DUPLICATE_PARTNER_REFERENCE" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})

	loc := g.payOnHostedPage(token, "4242 4242 4242 4242")
	u, _ := url.Parse(loc)
	if u.Path != "/payment/widget/return" || u.Query().Get("r") != "success" || smartpay.TransactionID(u.Query().Get("session_id")) != tx {
		t.Fatalf("the hosted page sent the payer to %s", loc)
	}
	t.Run("the widget return page tells only the shop's origin", func(t *testing.T) {
		r := g.call("GET", u.RequestURI(), "", "")
		csp := r.header.Get("Content-Security-Policy")
		if r.status != 200 || !strings.Contains(csp, "frame-ancestors https://shop.example") || !strings.Contains(string(r.body), `"https://shop.example"`) || !strings.Contains(string(r.body), tx) {
			t.Fatalf("%d %s %s", r.status, csp, r.body)
		}
	})

	st = g.call("GET", "/payment/status/"+tx, basic, "").json(t)
	if st["paymentStatus"] != "AUTHORIZATION_COMPLETED" {
		t.Fatalf("status after paying: %v", st)
	}
	ov := st["transactionOverview"].(map[string]any)
	if ov["amount"] != 10.99 || ov["currencyCode"] != "EUR" || ov["paymentMethod"] != "CARDS" || ov["transactionId"] != tx {
		t.Fatalf("overview %v", ov)
	}
	payID := st["reconciliationReferenceId"].(string)

	// Partial capture, then a repeat of the same modificationId answers the first result.
	cap1 := g.call("POST", "/payment/capture", bearer, modBody(tx, g.merchant, "cap-1", "8.00"))
	if cap1.status != 200 || cap1.json(t)["paymentStatus"] != "CAPTURED" || cap1.json(t)["modificationStatus"] != "SUCCEEDED" {
		t.Fatalf("capture: %d %s", cap1.status, cap1.body)
	}
	again := g.call("POST", "/payment/capture", bearer, modBody(tx, g.merchant, "cap-1", "8.00"))
	if again.status != 200 || again.json(t)["modificationId"] != "cap-1" || again.json(t)["paymentStatus"] != "CAPTURED" {
		t.Fatalf("repeat capture: %d %s", again.status, again.body)
	}

	ref1 := g.call("POST", "/payment/refund", basic, modBody(tx, g.merchant, "ref-1", "3.00"))
	if ref1.status != 200 || ref1.json(t)["paymentStatus"] != "PARTIALLY_REFUNDED" || ref1.json(t)["modificationType"] != "REFUND" {
		t.Fatalf("refund: %d %s", ref1.status, ref1.body)
	}
	for i := 0; i < 2; i++ {
		r := g.call("POST", "/payment/refund", basic, modBody(tx, g.merchant, "ref-1", "3.00"))
		if r.status != 200 || r.json(t)["modificationId"] != "ref-1" || r.json(t)["modificationStatus"] != "SUCCEEDED" {
			t.Fatalf("repeat refund: %d %s", r.status, r.body)
		}
	}
	t.Run("a modificationId reused for another request is refused", func(t *testing.T) {
		r := g.call("POST", "/payment/refund", basic, modBody(tx, g.merchant, "ref-1", "1.00"))
		if r.status != 409 || r.json(t)["errorCode"] != "MODIFICATION_ID_REUSED" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	cor := g.call("POST", "/payment/cancelOrRefund", basic, modBody(tx, g.merchant, "cor-1", ""))
	if cor.status != 200 || cor.json(t)["paymentStatus"] != "REFUNDED" {
		t.Fatalf("cancelOrRefund: %d %s", cor.status, cor.body)
	}

	st = g.call("GET", "/payment/status/"+tx, basic, "").json(t)
	mods := st["modifications"].([]any)
	if st["paymentStatus"] != "REFUNDED" || len(mods) != 3 {
		t.Fatalf("final status %v", st)
	}
	var ids []string
	for _, m := range mods {
		m := m.(map[string]any)
		ids = append(ids, fmt.Sprint(m["modificationId"], ":", m["modificationType"], ":", m["modificationStatus"], ":", m["amount"]))
	}
	if strings.Join(ids, " ") != "cap-1:CAPTURE:SUCCEEDED:8 ref-1:REFUND:SUCCEEDED:3 cor-1:REFUND:SUCCEEDED:5" {
		t.Fatalf("modifications %v", ids)
	}

	// The same payment in the native API; the ledger balances.
	p, _, err := g.eng.GetPayment(ctx, g.actor, payID)
	if err != nil || p.Captured != 800 || p.Refunded != 800 || p.Door != smartpay.Door {
		t.Fatalf("native payment %+v %v", p, err)
	}
	if rep, err := g.eng.VerifyLedger(ctx); err != nil || len(rep.UnbalancedPostings)+len(rep.Mismatches)+len(rep.Violations) > 0 {
		t.Fatalf("ledger: %+v %v", rep, err)
	}

	t.Run("webhooks in SmartPay's format reach the notification URL", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			g.eng.DispatchOnce(ctx, engine.DispatchConfig{Sender: delivery.New(5 * time.Second)})
		}
		got := h.got()
		if len(got) == 0 {
			t.Fatalf("no webhook; logs: %s", g.logs.String())
		}
		seen := map[string]bool{}
		for _, b := range got {
			if b["objectId"] != tx || b["eventType"] != "updated" {
				t.Fatalf("webhook %v", b)
			}
			seen[fmt.Sprint(b["objectType"], ":", b["metadata"].(map[string]any)["paymentStatus"])] = true
		}
		if !seen["payment:AUTHORIZATION_COMPLETED"] || !seen["payment:CAPTURED"] || !seen["refund:<nil>"] {
			t.Fatalf("webhooks %v", got)
		}
	})

	t.Run("card data never in logs", func(t *testing.T) {
		if strings.Contains(g.logs.String(), "4242424242424242") || strings.Contains(g.logs.String(), "4242 4242 4242 4242") {
			t.Fatal("card number logged")
		}
	})
}

func TestCancelBeforeCaptureAndVault(t *testing.T) {
	g := newGateway(t)
	basic := g.basic()
	r := g.call("POST", "/payment/creation", basic, createBody(g.merchant, "", `"customerAccountId": "customer-77",`))
	if r.status != 200 {
		t.Fatalf("creation: %d %s", r.status, r.body)
	}
	tx, token := r.json(t)["transactionId"].(string), r.json(t)["checkoutToken"].(string)
	g.payOnHostedPage(token, "4242424242424242")
	cor := g.call("POST", "/payment/cancelOrRefund", basic, modBody(tx, g.merchant, "c-1", ""))
	if cor.status != 200 || cor.json(t)["paymentStatus"] != "CANCELLED" || cor.json(t)["modificationType"] != "CANCEL" {
		t.Fatalf("cancel: %d %s", cor.status, cor.body)
	}
	if r := g.call("POST", "/payment/capture", basic, modBody(tx, g.merchant, "c-2", "")); r.status != 409 {
		t.Fatalf("capture after cancel: %d %s", r.status, r.body)
	}
	// The vault: the customer exists by the merchant's id and holds the card.
	pms, err := g.eng.ListPaymentMethods(context.Background(), g.actor, "customer-77")
	if err != nil || len(pms) != 1 {
		t.Fatalf("vault %v %v", pms, err)
	}
}

func TestRefusals(t *testing.T) {
	g := newGateway(t)
	for name, tc := range map[string]struct {
		authz, body string
		status      int
		code        string
	}{
		"no credentials":      {"", createBody(g.merchant, "", ""), 401, "UNAUTHORIZED"},
		"wrong key":           {"Basic " + "bWVyY2hhbnQ6c2tfdGVzdF94eHh4eHh4eHh4eHh4eHh4eHh4eHh4eA==", createBody(g.merchant, "", ""), 401, "UNAUTHORIZED"},
		"other merchantKey":   {g.basic(), createBody("48c4e923-e88c-464b-a4e7-ccb2c6d3775e", "", ""), 403, "FORBIDDEN"},
		"too precise amount":  {g.basic(), strings.Replace(createBody(g.merchant, "", ""), "10.99", "10.999", 1), 400, "INVALID_REQUEST"},
		"bad partner ref":     {g.basic(), createBody(g.merchant, "a b", ""), 400, "INVALID_REQUEST"},
		"no billing address":  {g.basic(), `{"merchantKey": "` + g.merchant + `", "payment": {"amount": 1, "currencyCode": "EUR"}}`, 400, "INVALID_REQUEST"},
		"unknown transaction": {g.basic(), "", 404, "TRANSACTION_NOT_FOUND"},
	} {
		t.Run(name, func(t *testing.T) {
			var r resp
			if tc.status == 404 {
				r = g.call("GET", "/payment/status/fc10f767-12a7-46d0-9da0-4af6b5b67c4d", tc.authz, "")
			} else {
				r = g.call("POST", "/payment/creation", tc.authz, tc.body)
			}
			if r.status != tc.status || r.json(t)["errorCode"] != tc.code {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	t.Run("the widget script is served under the door", func(t *testing.T) {
		r := g.call("GET", smartpay.WidgetPath, "", "")
		if r.status != 200 || !strings.Contains(string(r.body), "successHandler") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/javascript") {
			t.Fatalf("%d %s", r.status, r.header)
		}
	})
}
