package paymentz_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
	"github.com/paygate/paygate/internal/invoice"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// postAt sends a signed form to any path of the door (the invoice service too).
func (e *env) postAt(path, token string, form url.Values) resp {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("AuthToken", token)
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer hr.Body.Close()
	b, _ := io.ReadAll(hr.Body)
	return resp{status: hr.StatusCode, header: hr.Header, body: b}
}

// A request whose checksum does not match is refused with 70001 before it
// does or reveals anything: the payment, mandate, registration or invoice it
// names is as it was, and the answer carries nothing of it.
func TestWrongChecksumsChangeNothing(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	ctx := context.Background()
	const v1, inv = "/transactionServices/REST/v1", "/invoiceServices/REST/v1"
	preauth := e.pay(tok, e.sale("PA", "CS-PA", "10.00", "EUR", "4242424242424242"))["paymentId"].(string)
	initial := e.sale("DB", "CS-SUB", "9.99", "EUR", "4242424242424242")
	initial.Set("recurringType", "INITIAL")
	sub := e.pay(tok, initial)["paymentId"].(string)
	reg := e.postAt(v1+"/registrations", tok, url.Values{"merchantTransactionId": {"CS-REG"}, "customer.customerId": {"c-cs"},
		"card.number": {"5555555555554444"}, "card.expiryMonth": {"11"}, "card.expiryYear": {"2031"},
		"authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, "CS-REG")}}).json(t)["registrationId"].(string)
	gen := e.postAt(inv+"/generate", tok, url.Values{"description": {"Room 1"}, "amount": {"50.00"}, "currency": {"EUR"}, "redirectUrl": {"https://hotel.example/back"}, "custEmail": {"guest@example.com"},
		"authentication.checksum": {paymentz.Checksum(e.member, e.key, "Room 1", "50.00", "https://hotel.example/back")}}).json(t)
	invoiceObj, _ := gen["invoice"].(map[string]any)
	invoiceNo, _ := invoiceObj["invoiceno"].(string)
	if invoiceNo == "" {
		t.Fatalf("generate: %v", gen)
	}

	paymentIs := func(pid string, want payment.Status) func() error {
		return func() error {
			p, _, err := e.engine.GetPayment(ctx, e.actor, paymentz.NativeID(pid))
			if err != nil || p.Status != want {
				return fmt.Errorf("payment %s: %v %v", pid, p.Status, err)
			}
			return nil
		}
	}
	noPayment := func(mtid string) func() error {
		return func() error {
			if ps, _, err := e.engine.ListPayments(ctx, e.actor, engine.PaymentFilter{Reference: mtid, Limit: 5}); err != nil || len(ps) != 0 {
				return fmt.Errorf("payments for %s: %d %v", mtid, len(ps), err)
			}
			return nil
		}
	}
	invoiceIs := func(want invoice.Status) func() error {
		return func() error {
			i, _, err := e.engine.GetInvoice(ctx, e.actor, invoiceNo)
			if err != nil || i.Status != want {
				return fmt.Errorf("invoice: %v %v", i.Status, err)
			}
			return nil
		}
	}
	for _, tc := range []struct {
		name, path string
		form       url.Values
		unchanged  func() error
	}{
		{"RV signed over another paymentId leaves the authorization", v1 + "/payments/" + preauth,
			url.Values{"paymentType": {"RV"}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, sub)}}, paymentIs(preauth, payment.Authorized)},
		{"RV with idType=MID signed over the paymentId leaves the authorization", v1 + "/payments/" + preauth,
			url.Values{"paymentType": {"RV"}, "idType": {"MID"}, "merchantTransactionId": {"CS-PA"}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, preauth)}},
			paymentIs(preauth, payment.Authorized)},
		{"IN signed with another key reveals nothing", v1 + "/payments/" + preauth,
			url.Values{"paymentType": {"IN"}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key+"x", preauth)}}, paymentIs(preauth, payment.Authorized)},
		{"REPEATED by paymentId signed over another amount charges nothing", v1 + "/payments/" + sub,
			url.Values{"recurringType": {"REPEATED"}, "amount": {"9.99"}, "merchantTransactionId": {"CS-SUB-2"}, "authentication.checksum": {paymentz.FollowUpChecksum(e.member, e.key, sub, "1.00")}},
			noPayment("CS-SUB-2")},
		{"a registration signed over another merchantTransactionId keeps no card", v1 + "/registrations",
			url.Values{"merchantTransactionId": {"CS-REG-2"}, "customer.customerId": {"c-new"}, "card.number": {"4242424242424242"}, "card.expiryMonth": {"11"}, "card.expiryYear": {"2031"},
				"authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, "CS-REG")}},
			func() error {
				if _, err := e.engine.GetCustomer(ctx, e.actor, "c-new"); err == nil {
					return fmt.Errorf("customer c-new was made")
				}
				return nil
			}},
		{"DL signed over another registrationId keeps the registration", v1 + "/registrations",
			url.Values{"paymentType": {"DL"}, "registrationId": {reg}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, "pm_other")}},
			func() error {
				m, err := e.engine.GetPaymentMethod(ctx, e.actor, reg)
				if err != nil || m.Status == vault.MethodDeleted {
					return fmt.Errorf("registration %s: %v %v", reg, m, err)
				}
				return nil
			}},
		{"an invoice cancel signed over another invoiceno leaves it open", inv + "/cancel",
			url.Values{"invoiceno": {invoiceNo}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, invoiceNo+"1")}}, invoiceIs(invoice.Open)},
		{"an invoice inquiry with a wrong checksum reveals nothing", inv + "/inquiry",
			url.Values{"invoiceno": {invoiceNo}, "authentication.checksum": {strings.Repeat("0", 32)}}, invoiceIs(invoice.Open)},
		{"getTransactionList signed over other dates lists nothing", v1 + "/getTransactionList",
			url.Values{"pagination.fromdate": {"2000-01-01"}, "pagination.todate": {"2100-01-01"}, "authentication.checksum": {paymentz.Checksum(e.member, e.key, "2000-01-01", "2099-12-31")}},
			paymentIs(preauth, payment.Authorized)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.postAt(tc.path, tok, tc.form)
			m := r.json(t)
			if r.status != 400 || r.code(t) != "70001" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			for _, k := range []string{"paymentId", "status", "transactionStatus", "registrationId", "invoice", "transactions", "amount"} {
				if m[k] != nil {
					t.Fatalf("the refusal carries %s: %s", k, r.body)
				}
			}
			if err := tc.unchanged(); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("RV with idType=MID signed over the merchantTransactionId reverses the authorization", func(t *testing.T) {
		r := e.postAt(v1+"/payments/"+preauth, tok, url.Values{"paymentType": {"RV"}, "idType": {"MID"}, "merchantTransactionId": {"CS-PA"},
			"authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, "CS-PA")}})
		if r.code(t) != "00006" || r.json(t)["paymentId"] != preauth {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if err := paymentIs(preauth, payment.Voided)(); err != nil {
			t.Fatal(err)
		}
	})
}
