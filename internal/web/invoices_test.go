package web_test

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/paygate/paygate/internal/mail"
)

// smtpInbox is a real SMTP server (go-smtp) in the test process.
type smtpInbox struct {
	mu   sync.Mutex
	msgs []smtpMsg
}

type smtpMsg struct{ to, data string }

func (b *smtpInbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{b: b}, nil }

type smtpSession struct {
	b  *smtpInbox
	to string
}

func (s *smtpSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *smtpSession) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, smtpMsg{s.to, string(b)})
	s.b.mu.Unlock()
	return nil
}
func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

func (b *smtpInbox) all() []smtpMsg {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]smtpMsg(nil), b.msgs...)
}

func startSMTP(t *testing.T) (*smtpInbox, *mail.SMTP) {
	box := &smtpInbox{}
	srv := smtp.NewServer(box)
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	m, err := mail.ParseSMTP("smtp://" + ln.Addr().String() + "?from=billing@shop.test&tls=none")
	if err != nil {
		t.Fatal(err)
	}
	return box, m
}

var linkRE = regexp.MustCompile(`https?://\S+/i/il_[0-9a-z]+`)

// TestInvoiceEmailLinkPaysTheInvoice: an invoice is emailed through a real
// SMTP server; the link in the message opens paygate's checkout for the
// invoice's total; paying it marks the invoice paid with its payment;
// reminders follow the schedule; a canceled invoice's link stops working.
func TestInvoiceEmailLinkPaysTheInvoice(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	g := newGatewayAt(t, clock)
	box, smtpMailer := startSMTP(t)
	due := clock().Add(10 * 24 * time.Hour).UTC().Format(time.RFC3339)
	inv := g.api("POST", "/v1/invoices", `{"customer_email":"ana@example.com","customer_name":"Ana","currency":"KWD","due_date":"`+due+`",
		"line_items":[{"description":"Consulting","quantity":2,"unit_amount":5250},{"description":"Travel","quantity":1,"unit_amount":1000}],"memo":"Thank you"}`)
	if inv["total"].(float64) != 11500 || inv["status"] != "open" || inv["payment_link"] == nil {
		t.Fatalf("invoice %v", inv)
	}
	if _, err := g.eng.SendMail(t.Context(), smtpMailer); err != nil {
		t.Fatal(err)
	}
	msgs := box.all()
	if len(msgs) != 1 || msgs[0].to != "ana@example.com" || !strings.Contains(msgs[0].data, "Subject: Invoice "+inv["number"].(string)) ||
		!strings.Contains(msgs[0].data, "KWD 11.500") || !strings.Contains(msgs[0].data, "Consulting") {
		t.Fatalf("email %+v", msgs)
	}
	link := linkRE.FindString(msgs[0].data)
	if link == "" || link != inv["payment_link"] {
		t.Fatalf("link in the email %q, invoice link %v", link, inv["payment_link"])
	}

	// The link opens a checkout for the total; the payer pays it.
	resp, _ := fetch(t, "GET", link, nil)
	checkoutURL := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(checkoutURL, g.url+"/checkout/ct_") {
		t.Fatalf("link: %d %s", resp.StatusCode, checkoutURL)
	}
	_, page := fetch(t, "GET", checkoutURL, nil)
	if !strings.Contains(page, "KWD 11.500") || !strings.Contains(page, "Invoice "+inv["number"].(string)) {
		t.Fatalf("checkout page does not show the invoice:\n%s", page)
	}
	// Reminders: three days before the due date, then overdue; none once paid.
	advance(7*24*time.Hour + time.Minute)
	if n, _ := g.eng.RemindInvoices(t.Context()); n != 1 {
		t.Fatalf("%d reminders three days before the due date", n)
	}
	g.eng.SendMail(t.Context(), smtpMailer)
	if msgs := box.all(); len(msgs) != 2 || !strings.Contains(msgs[1].data, "Subject: Reminder: invoice") || linkRE.FindString(msgs[1].data) != link {
		t.Fatalf("reminder %+v", msgs)
	}
	// The first checkout has expired by now; the same link opens a new one.
	resp, _ = fetch(t, "GET", link, nil)
	checkoutURL = resp.Header.Get("Location")
	_, page = fetch(t, "GET", checkoutURL, nil)
	csrf := csrfField.FindStringSubmatch(page)[1]
	resp, _ = fetch(t, "POST", checkoutURL, url.Values{"csrf": {csrf}, "number": {"4242424242424242"}, "expiry": {"12/31"}, "cvc": {"123"}}, "Origin", g.url)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), g.url+"/checkout/thanks") {
		t.Fatalf("pay: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	got := g.api("GET", "/v1/invoices/"+inv["id"].(string), "")
	p := g.api("GET", "/v1/payments/"+got["payment"].(string), "")
	if got["status"] != "paid" || p["status"] != "captured" || p["amount"].(float64) != 11500 || p["currency"] != "KWD" {
		t.Fatalf("after paying: invoice %v payment %v", got, p)
	}
	if emails := got["emails"].([]any); len(emails) != 2 || emails[0].(map[string]any)["status"] != "sent" {
		t.Fatalf("emails %v", emails)
	}
	advance(5 * 24 * time.Hour)
	if n, _ := g.eng.RemindInvoices(t.Context()); n != 0 {
		t.Fatal("a paid invoice was reminded")
	}
	if resp, body := fetch(t, "GET", link, nil); resp.StatusCode != 200 || !strings.Contains(body, "Payment received") {
		t.Fatalf("the link of a paid invoice: %d", resp.StatusCode)
	}
	events := map[string]bool{}
	for _, ev := range g.api("GET", "/v1/events?limit=100", "")["data"].([]any) {
		events[ev.(map[string]any)["type"].(string)] = true
	}
	if !events["invoice.paid"] || !events["checkout.session.completed"] {
		t.Fatalf("events %v", events)
	}

	// A canceled invoice's link no longer opens a checkout.
	other := g.api("POST", "/v1/invoices", `{"customer_email":"bo@example.com","currency":"USD","due_date":"2030-01-01","send":false,"line_items":[{"description":"X","quantity":1,"unit_amount":100}]}`)
	if c := g.api("POST", "/v1/invoices/"+other["id"].(string)+"/cancel", ""); c["status"] != "canceled" {
		t.Fatalf("cancel %v", c)
	}
	if resp, _ := fetch(t, "GET", other["payment_link"].(string), nil); resp.StatusCode != http.StatusGone {
		t.Fatalf("a canceled invoice's link: %d", resp.StatusCode)
	}
}

func TestOverdueRemindersAndExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	g := newGatewayAt(t, clock)
	due := clock().Add(time.Hour).UTC().Format(time.RFC3339)
	inv := g.api("POST", "/v1/invoices", `{"customer_email":"ana@example.com","currency":"EUR","due_date":"`+due+`","send":false,
		"line_items":[{"description":"Plan","quantity":1,"unit_amount":900}]}`)
	if n, _ := g.eng.RemindInvoices(t.Context()); n != 1 { // within three days of the due date
		t.Fatalf("%d reminders before the due date", n)
	}
	sent := 0
	for day := 0; day < 40; day++ {
		advance(24 * time.Hour)
		n, err := g.eng.RemindInvoices(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		sent += n
	}
	got := g.api("GET", "/v1/invoices/"+inv["id"].(string), "")
	if sent != 3 || got["status"] != "expired" {
		t.Fatalf("%d overdue reminders, status %v", sent, got["status"])
	}
	kinds := map[string]int{}
	for _, e := range got["emails"].([]any) {
		kinds[e.(map[string]any)["kind"].(string)]++
	}
	if kinds["reminder_before_due"] != 1 || kinds["reminder_overdue"] != 3 {
		t.Fatalf("emails %v", kinds)
	}
	if resp, _ := fetch(t, "GET", inv["payment_link"].(string), nil); resp.StatusCode != http.StatusGone {
		t.Fatalf("an expired invoice's link: %d", resp.StatusCode)
	}
	for _, c := range []struct{ body, param string }{
		{`{"customer_email":"nope","currency":"EUR","due_date":"2030-01-01","line_items":[{"description":"X","quantity":1,"unit_amount":1}]}`, "customer_email"},
		{`{"customer_email":"a@b.test","currency":"EUR","due_date":"2030-01-01","line_items":[]}`, "line_items"},
		{`{"customer_email":"a@b.test","currency":"EUR","due_date":"2030-01-01","line_items":[{"description":"X","quantity":0,"unit_amount":1}]}`, "line_items"},
		{`{"customer_email":"a@b.test","currency":"EUR","line_items":[{"description":"X","quantity":1,"unit_amount":1}]}`, "due_date"},
		{`{"customer_email":"a@b.test","currency":"EUR","due_date":"soon","line_items":[{"description":"X","quantity":1,"unit_amount":1}]}`, "due_date"},
	} {
		if r := g.api("POST", "/v1/invoices", c.body); r["param"] != c.param || r["status"].(float64) != 400 {
			t.Errorf("%s: %v", c.body, r)
		}
	}
}
