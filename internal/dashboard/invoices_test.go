package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func invoiceForm(csrf string) url.Values {
	return url.Values{"csrf": {csrf}, "customer_email": {"buyer@example.com"}, "customer_name": {"Bo Buyer"}, "currency": {"USD"},
		"locale": {"en"}, "due_date": {"2099-01-31"}, "description1": {"Consulting"}, "quantity1": {"2"}, "amount1": {"12.50"},
		"description2": {""}, "quantity2": {""}, "amount2": {""}, "send": {"1"}}
}

func TestInvoiceCreateShowsTheLinkOnceAndQueuesTheEmail(t *testing.T) {
	e := newEnv(t)
	owner, analyst, support := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test"), e.signIn("support@shop.test")
	form := owner.get("/dashboard/invoices/new")
	if form.status != 200 || !strings.Contains(form.body, `id="invoice-form"`) {
		t.Fatalf("new invoice form: %d", form.status)
	}
	for _, who := range []*browserless{analyst, support} {
		if p := who.get("/dashboard/invoices/new"); p.status != http.StatusForbidden {
			t.Fatalf("the form without create_payments: %d", p.status)
		}
		if p := who.get("/dashboard/invoices"); p.status != 200 || strings.Contains(p.body, `id="new-invoice"`) {
			t.Fatalf("the list without create_payments: %d, or it offers a new invoice", p.status)
		}
		mine := who.get("/dashboard/invoices")
		if p := who.post("/dashboard/invoices", invoiceForm(mine.csrf(t))); p.status != http.StatusForbidden {
			t.Fatalf("a forged create without create_payments: %d", p.status)
		}
	}
	csrf := form.csrf(t)
	if p := owner.post("/dashboard/invoices", invoiceForm("")); p.status != http.StatusForbidden {
		t.Fatalf("create without CSRF: %d", p.status)
	}
	if p := owner.do("POST", "/dashboard/invoices", invoiceForm(csrf), "https://evil.test"); p.status != http.StatusForbidden {
		t.Fatalf("create from another origin: %d", p.status)
	}
	if n := len(e.api("GET", "/v1/invoices", "")["data"].([]any)); n != 0 {
		t.Fatalf("refused posts made %d invoices", n)
	}
	bad := invoiceForm(csrf)
	bad.Set("amount1", "twelve")
	if p := owner.post("/dashboard/invoices", bad); p.status != 400 || !strings.Contains(p.body, "not an amount of USD") || !strings.Contains(p.body, `value="buyer@example.com"`) {
		t.Fatalf("a bad amount: %d\n%s", p.status, p.body)
	}
	made := owner.post("/dashboard/invoices", invoiceForm(csrf))
	if made.status != http.StatusCreated {
		t.Fatalf("create: %d\n%s", made.status, made.body)
	}
	link := regexpFind(t, made.body, `id="invoice-link">([^<]+)<`)
	id := regexpFind(t, made.body, `id="invoice-id">(inv_[^<]+)<`)
	if !strings.HasPrefix(link, e.url+"/i/il_") || !strings.Contains(made.body, "USD 25.00") || !strings.Contains(made.body, "buyer@example.com") {
		t.Fatalf("the created invoice's page:\n%s", made.body)
	}
	if made.header.Get("Cache-Control") != "no-store" {
		t.Fatal("the page with the link may be cached")
	}
	got := e.api("GET", "/v1/invoices/"+id, "")
	if got["status"] != "open" {
		t.Fatalf("the API's invoice: %v", got)
	}
	for _, who := range []*browserless{owner, analyst} {
		if p := who.get("/dashboard/invoices"); p.status != 200 || !strings.Contains(p.body, "/dashboard/invoices/"+id) {
			t.Fatalf("list: %d", p.status)
		}
	}
	detail := owner.get("/dashboard/invoices/" + id)
	if strings.Contains(detail.body, link) || strings.Count(detail.body, "buyer@example.com") < 2 || !strings.Contains(detail.body, `id="invoice-emails"`) {
		t.Fatalf("the detail page shows the link again or lacks the queued email:\n%s", detail.body)
	}
	if p := analyst.get("/dashboard/invoices/" + id); p.status != 200 || strings.Contains(p.body, `id="cancel-button"`) || strings.Contains(p.body, `id="send-button"`) {
		t.Fatalf("the analyst's detail: %d, or it offers actions", p.status)
	}
	if p := owner.get("/dashboard/invoices/inv_nope"); p.status != 404 {
		t.Fatalf("unknown invoice: %d", p.status)
	}
	// Without sending: no email.
	quiet := invoiceForm(csrf)
	quiet.Del("send")
	q := owner.post("/dashboard/invoices", quiet)
	if q.status != http.StatusCreated || !strings.Contains(q.body, `id="no-emails"`) {
		t.Fatalf("an invoice not sent: %d\n%s", q.status, q.body)
	}
}

func TestInvoiceSendAndCancelNeedConfirmationPermissionAndCSRF(t *testing.T) {
	e := newEnv(t)
	inv := e.api("POST", "/v1/invoices", `{"customer_email":"buyer@example.com","currency":"USD","due_date":"2099-01-31","line_items":[{"description":"Tea","quantity":1,"unit_amount":900}]}`)
	id := inv["id"].(string)
	owner, analyst := e.signIn("owner@shop.test"), e.signIn("analyst@shop.test")
	detail := owner.get("/dashboard/invoices/" + id)
	if !strings.Contains(detail.body, `id="cancel-button"`) || !strings.Contains(detail.body, `id="send-button"`) {
		t.Fatal("the owner has no invoice actions")
	}
	csrf := detail.csrf(t)
	emails := func() int {
		return strings.Count(owner.get("/dashboard/invoices/"+id).body, "<td data-label=\"Kind\">")
	}
	before := emails()
	for _, act := range []string{"send", "cancel"} {
		path := "/dashboard/invoices/" + id + "/" + act
		if p := owner.post(path, url.Values{"step": {"confirm"}}); p.status != http.StatusForbidden {
			t.Fatalf("%s without CSRF: %d", act, p.status)
		}
		if p := owner.do("POST", path, url.Values{"csrf": {csrf}, "step": {"confirm"}}, "https://evil.test"); p.status != http.StatusForbidden {
			t.Fatalf("%s from another origin: %d", act, p.status)
		}
		an := analyst.get("/dashboard/invoices/" + id)
		if p := analyst.post(path, url.Values{"csrf": {an.csrf(t)}, "step": {"confirm"}}); p.status != http.StatusForbidden || !strings.Contains(p.body, "create_payments") {
			t.Fatalf("a forged %s without create_payments: %d", act, p.status)
		}
		if p := owner.post(path, url.Values{"csrf": {csrf}, "step": {"review"}}); p.status != 200 || !strings.Contains(p.body, `id="confirm-button"`) || !strings.Contains(p.body, "buyer@example.com") {
			t.Fatalf("%s review: %d\n%s", act, p.status, p.body)
		}
	}
	if emails() != before || e.api("GET", "/v1/invoices/"+id, "")["status"] != "open" {
		t.Fatal("a refused or unconfirmed post acted")
	}
	if p := owner.post("/dashboard/invoices/"+id+"/send", url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=invoice-send") {
		t.Fatalf("send: %d %s", p.status, p.header.Get("Location"))
	}
	if emails() != before+1 {
		t.Fatalf("emails %d after sending, want %d", emails(), before+1)
	}
	// The confirmation page's form, sent twice (a double click, a reload):
	// one more email, and the second post is told it was sent already.
	review := owner.post("/dashboard/invoices/"+id+"/send", url.Values{"csrf": {csrf}, "step": {"review"}})
	once := regexpFind(t, review.body, `name="once" value="([^"]+)"`)
	for i := range 2 {
		p := owner.post("/dashboard/invoices/"+id+"/send", url.Values{"csrf": {csrf}, "step": {"confirm"}, "once": {once}})
		if p.status != http.StatusSeeOther || (i == 1) != strings.Contains(p.header.Get("Location"), "done=replay") {
			t.Fatalf("confirmation post %d: %d %s", i+1, p.status, p.header.Get("Location"))
		}
	}
	if emails() != before+2 {
		t.Fatalf("emails %d after a double-posted resend, want %d", emails(), before+2)
	}
	if p := owner.post("/dashboard/invoices/"+id+"/cancel", url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?done=invoice-cancel") {
		t.Fatalf("cancel: %d %s", p.status, p.header.Get("Location"))
	}
	if got := e.api("GET", "/v1/invoices/"+id, "")["status"]; got != "canceled" {
		t.Fatalf("after canceling: %v", got)
	}
	after := owner.get("/dashboard/invoices/" + id + "?done=invoice-cancel")
	if strings.Contains(after.body, `id="send-button"`) || !strings.Contains(after.body, "no longer works") {
		t.Fatalf("a canceled invoice's page:\n%s", after.body)
	}
	if p := owner.post("/dashboard/invoices/"+id+"/send", url.Values{"csrf": {csrf}, "step": {"confirm"}}); p.status != http.StatusConflict {
		t.Fatalf("sending a canceled invoice: %d", p.status)
	}
}
