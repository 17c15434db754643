package paymentz_test

import (
	"context"
	"net/url"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/frontdoor/paymentz"
)

// invoicePost sends a form to the invoice service.
func (e *env) invoicePost(tok, op string, form url.Values) resp {
	e.t.Helper()
	return e.postAt("/invoiceServices/REST/v1/"+op, tok, form)
}

// generate makes an invoice through the door and returns its answer.
func (e *env) generate(tok, desc, amount string, extra url.Values) map[string]any {
	e.t.Helper()
	form := url.Values{"description": {desc}, "amount": {amount}, "currency": {"EUR"}, "redirectUrl": {"https://hotel.example/back"},
		"custEmail": {"guest@example.com"}, "custName": {"Ana Lima"},
		"authentication.checksum": {paymentz.Checksum(e.member, e.key, desc, amount, "https://hotel.example/back")}}
	for k, v := range extra {
		form[k] = v
	}
	r := e.invoicePost(tok, "generate", form)
	if r.status != 200 || r.code(e.t) != "00010" {
		e.t.Fatalf("generate: %d %s", r.status, r.body)
	}
	return r.json(e.t)["invoice"].(map[string]any)
}

func (e *env) invoiceOp(tok, op, no string) resp {
	e.t.Helper()
	return e.invoicePost(tok, op, url.Values{"invoiceno": {no}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, no)}})
}

func (e *env) emailsAbout(no string) []engine.Email {
	e.t.Helper()
	_, emails, err := e.engine.GetInvoice(context.Background(), e.actor, no)
	if err != nil {
		e.t.Fatal(err)
	}
	return emails
}

func TestInvoiceRemindEmailsTheLinkAgainOnlyWhileOpen(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	no := e.generate(tok, "Room 12, 2 nights", "240.00", nil)["invoiceno"].(string)
	if n := len(e.emailsAbout(no)); n != 1 {
		t.Fatalf("%d emails after generate, want the invoice's one", n)
	}
	if r := e.invoicePost(tok, "remind", url.Values{"invoiceno": {no}, "authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, no+"x")}}); r.code(t) != "70001" {
		t.Fatalf("a checksum over another invoice: %s", r.body)
	}
	if n := len(e.emailsAbout(no)); n != 1 {
		t.Fatalf("a refused remind queued an email (%d in all)", n)
	}
	r := e.invoiceOp(tok, "remind", no)
	if r.status != 200 || r.code(t) != "00012" || r.json(t)["invoice"].(map[string]any)["status"] != "open" {
		t.Fatalf("remind: %d %s", r.status, r.body)
	}
	emails := e.emailsAbout(no)
	if len(emails) != 2 || emails[0].To != "guest@example.com" || emails[1].To != "guest@example.com" {
		t.Fatalf("after remind: %+v, want two emails to the guest", emails)
	}
	details := e.invoiceOp(tok, "getInvoiceDetails", no)
	inv := details.json(t)["invoice"].(map[string]any)
	lines, _ := inv["lines"].([]any)
	sent, _ := inv["emails"].([]any)
	if details.code(t) != "00014" || len(lines) != 1 || lines[0].(map[string]any)["amount"] != "240.00" || len(sent) != 2 {
		t.Fatalf("getInvoiceDetails: %s", details.body)
	}
	if r := e.invoiceOp(tok, "getInvoice", no); r.code(t) != "00014" || r.json(t)["invoice"].(map[string]any)["invoiceno"] != no {
		t.Fatalf("getInvoice: %s", r.body)
	}
	if r := e.invoiceOp(tok, "cancel", no); r.code(t) != "00011" {
		t.Fatalf("cancel: %s", r.body)
	}
	if r := e.invoiceOp(tok, "remind", no); r.status != 409 || r.code(t) == "00012" {
		t.Fatalf("remind of a cancelled invoice: %d %s", r.status, r.body)
	}
	if n := len(e.emailsAbout(no)); n != 2 {
		t.Fatalf("a cancelled invoice was reminded (%d emails)", n)
	}
	if r := e.invoiceOp(tok, "remind", "inv_unknown"); r.status != 404 || r.code(t) != "10009" {
		t.Fatalf("remind of no invoice: %d %s", r.status, r.body)
	}
}

func TestInvoiceRegenerateIssuesACancelledOrExpiredInvoiceAgain(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	old := e.generate(tok, "Room 12, 2 nights", "240.00", nil)
	no := old["invoiceno"].(string)
	if r := e.invoiceOp(tok, "regenerate", no); r.status != 409 || r.code(t) != "10177" {
		t.Fatalf("regenerate of an open invoice: %d %s", r.status, r.body)
	}
	e.invoiceOp(tok, "cancel", no)
	r := e.invoicePost(tok, "regenerate", url.Values{"invoiceno": {no}, "expirationPeriod": {"3"},
		"authentication.checksum": {paymentz.LookupChecksum(e.member, e.key, no)}})
	inv, _ := r.json(t)["invoice"].(map[string]any)
	if r.status != 200 || r.code(t) != "00013" || inv["regeneratedFrom"] != no || inv["invoiceno"] == no || inv["status"] != "open" ||
		inv["amount"] != "240.00" || inv["custEmail"] != "guest@example.com" || !strings.Contains(inv["paymentUrl"].(string), "/i/") || inv["paymentUrl"] == old["paymentUrl"] {
		t.Fatalf("regenerate: %d %s", r.status, r.body)
	}
	fresh := inv["invoiceno"].(string)
	if n := len(e.emailsAbout(fresh)); n != 1 {
		t.Fatalf("the regenerated invoice sent %d emails, want its link once", n)
	}
	got, _, err := e.engine.GetInvoice(context.Background(), e.actor, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if due := got.DueAt.Sub(e.clock.now()); due < 71*time.Hour || due > 73*time.Hour {
		t.Fatalf("due in %v, want the 3 days asked", due)
	}
	if r := e.invoiceOp(tok, "inquiry", no); r.json(t)["invoice"].(map[string]any)["status"] != "canceled" {
		t.Fatalf("the old invoice changed: %s", r.body)
	}

	// An invoice whose link ran out is regenerated even before the sweep marks it expired.
	short := e.generate(tok, "Late checkout", "15.00", url.Values{"expirationPeriod": {"1"}})["invoiceno"].(string)
	e.clock.advance(32 * 24 * time.Hour)
	if r := e.invoiceOp(e.token(), "regenerate", short); r.code(t) != "00013" {
		t.Fatalf("regenerate of a lapsed invoice: %s", r.body)
	}
}

func TestInvoiceTransInquiryAnswersThePaymentOfAPaidInvoice(t *testing.T) {
	e := newEnv(t)
	tok := e.token()
	inv := e.generate(tok, "Room 12, 2 nights", "240.00", nil)
	no := inv["invoiceno"].(string)
	if r := e.invoiceOp(tok, "invoiceTransInquiry", no); r.status != 404 || r.code(t) != "10009" {
		t.Fatalf("the payment of an unpaid invoice: %d %s", r.status, r.body)
	}
	ctx := context.Background()
	_, checkoutURL, err := e.engine.InvoiceLink(ctx, path.Base(inv["paymentUrl"].(string)))
	if err != nil || checkoutURL == "" {
		t.Fatalf("open the invoice link: %q %v", checkoutURL, err)
	}
	if _, err := e.engine.PayCheckout(ctx, path.Base(checkoutURL), engine.CheckoutPayment{
		Card: &engine.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2031, CVC: "123", Holder: "Ana Lima"}}); err != nil {
		t.Fatal(err)
	}
	r := e.invoiceOp(tok, "invoiceTransInquiry", no)
	m := r.json(t)
	if r.status != 200 || r.code(t) != "00026" || m["transactionStatus"] != "Y" || m["amount"] != "240.00" || m["paymentId"] == "" {
		t.Fatalf("invoiceTransInquiry: %d %s", r.status, r.body)
	}
	if got := e.invoiceOp(tok, "inquiry", no).json(t)["invoice"].(map[string]any); got["status"] != "paid" || got["paymentId"] != m["paymentId"] {
		t.Fatalf("the invoice names another payment: %v", got)
	}
}
