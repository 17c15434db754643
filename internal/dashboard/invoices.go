package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/invoice"
	"github.com/paygate/paygate/internal/money"
)

// invoiceLines is how many line rows the new-invoice form offers; empty
// rows are skipped, so the form works without a script.
const invoiceLines = 3

type invoicesView struct {
	view
	Invoices []*invoice.Invoice
	Next     string
	CanWrite bool
}

// invoices lists the mode's invoices, newest first, 25 a page.
func (s *Server) invoices(w http.ResponseWriter, r *http.Request, q *request) {
	ins, err := s.eng.ListInvoices(r.Context(), q.actor, r.URL.Query().Get("after"), pageSize+1)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &invoicesView{view: view{Title: "Invoices", Nav: "invoices", Notice: notices[r.URL.Query().Get("done")]}, CanWrite: q.can(auth.PermCreatePayments)}
	if len(ins) > pageSize {
		ins = ins[:pageSize]
		v.Next = url.Values{"after": {ins[pageSize-1].ID}}.Encode()
	}
	v.Invoices = ins
	s.renderFor(w, r, q, http.StatusOK, "invoices", v)
}

type invoiceFormView struct {
	view
	// F holds the form as typed, to refill it after a mistake.
	F       url.Values
	Rows    []int
	Locales []string
}

func newInvoiceForm(f url.Values) *invoiceFormView {
	v := &invoiceFormView{view: view{Title: "New invoice", Nav: "invoices"}, F: f, Locales: []string{"en", "ar"}}
	for i := 1; i <= invoiceLines; i++ {
		v.Rows = append(v.Rows, i)
	}
	return v
}

// newInvoice is the form to create an invoice (create_payments, as the
// API's POST /v1/invoices).
func (s *Server) newInvoice(w http.ResponseWriter, r *http.Request, q *request) {
	f := url.Values{"currency": {"USD"}, "send": {"1"}, "quantity1": {"1"},
		"due_date": {time.Now().UTC().AddDate(0, 0, 14).Format("2006-01-02")}}
	s.renderFor(w, r, q, http.StatusOK, "invoice-new", newInvoiceForm(f))
}

// invoiceInput reads the new-invoice form. Amounts are decimals of the
// chosen currency; a date is the end of that UTC day, as at the API.
func invoiceInput(f url.Values) (engine.InvoiceInput, error) {
	in := engine.InvoiceInput{CustomerEmail: strings.TrimSpace(f.Get("customer_email")), CustomerName: strings.TrimSpace(f.Get("customer_name")),
		Currency: strings.ToUpper(strings.TrimSpace(f.Get("currency"))), Memo: strings.TrimSpace(f.Get("memo")), Locale: f.Get("locale"),
		Send: f.Get("send") != ""}
	cur, err := money.Lookup(in.Currency)
	if err != nil {
		return in, fault.InvalidParam("currency", "currency_invalid", "%q is not a currency code such as USD", in.Currency)
	}
	for i := 1; i <= invoiceLines; i++ {
		n := strconv.Itoa(i)
		desc, qty, amt := strings.TrimSpace(f.Get("description"+n)), strings.TrimSpace(f.Get("quantity"+n)), strings.TrimSpace(f.Get("amount"+n))
		if desc == "" && amt == "" {
			continue
		}
		l := invoice.Line{Description: desc, Quantity: 1}
		if qty != "" {
			if l.Quantity, err = strconv.ParseInt(qty, 10, 64); err != nil || l.Quantity < 1 {
				return in, fault.InvalidParam("quantity"+n, "parameter_invalid", "line %d: the quantity must be a whole number of at least 1", i)
			}
		}
		if l.UnitAmount, err = money.Parse(amt, cur); err != nil || l.UnitAmount < 1 {
			return in, fault.InvalidParam("amount"+n, "parameter_invalid", "line %d: %q is not an amount of %s such as %s", i, amt, cur.Code, money.Format(1250, cur))
		}
		in.Lines = append(in.Lines, l)
	}
	for _, d := range []struct {
		param string
		to    func(time.Time)
	}{{"due_date", func(t time.Time) { in.DueAt = t }}, {"expires_at", func(t time.Time) { in.ExpiresAt = &t }}} {
		if v := f.Get(d.param); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return in, fault.InvalidParam(d.param, "parameter_invalid", "%s is not a date such as 2026-01-31", v)
			}
			d.to(t.Add(24*time.Hour - time.Second))
		}
	}
	return in, nil
}

// createInvoice makes the invoice (and, when asked, emails its link) and
// shows the payment link on this one answer: it is not shown again.
func (s *Server) createInvoice(w http.ResponseWriter, r *http.Request, q *request) {
	in, err := invoiceInput(r.PostForm)
	var c *engine.CreatedInvoice
	if err == nil {
		c, err = s.eng.CreateInvoice(r.Context(), q.actor, in)
	}
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, q, err)
			return
		}
		v := newInvoiceForm(r.PostForm)
		v.Error = fault.As(err).Message
		s.renderFor(w, r, q, http.StatusBadRequest, "invoice-new", v)
		return
	}
	notice := "The invoice was created. Copy its payment link now: it is not shown again."
	if in.Send {
		notice = "The invoice was created and its payment link is being emailed to " + in.CustomerEmail + ". The link is shown here once."
	}
	s.invoicePage(w, r, q, c.Invoice.ID, http.StatusCreated, notice, c.Link, c.LinkQR)
}

type invoiceView struct {
	view
	I      *invoice.Invoice
	Lines  []invoiceLineView
	Total  string
	Emails []engine.Email
	Link   string
	// LinkQR is the link's QR code, as a path on this origin (the page's
	// images are same-origin only).
	LinkQR   string
	CanWrite bool
}

type invoiceLineView struct {
	Description string
	Quantity    int64
	Unit, Total string
}

func (s *Server) invoiceDetail(w http.ResponseWriter, r *http.Request, q *request) {
	s.invoicePage(w, r, q, r.PathValue("id"), http.StatusOK, notices[r.URL.Query().Get("done")], "", "")
}

func (s *Server) invoicePage(w http.ResponseWriter, r *http.Request, q *request, id string, status int, notice, link, linkQR string) {
	inv, emails, err := s.eng.GetInvoice(r.Context(), q.actor, id)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	if u, err := url.Parse(linkQR); err == nil {
		linkQR = u.Path
	}
	v := &invoiceView{view: view{Title: "Invoice " + inv.Number, Nav: "invoices", Notice: notice}, I: inv, Emails: emails, Link: link, LinkQR: linkQR,
		Total: formatMoney(inv.Total, inv.Currency.Code), CanWrite: q.can(auth.PermCreatePayments) && inv.Status == invoice.Open}
	for _, l := range inv.Lines {
		v.Lines = append(v.Lines, invoiceLineView{Description: l.Description, Quantity: l.Quantity,
			Unit: formatMoney(l.UnitAmount, inv.Currency.Code), Total: formatMoney(l.UnitAmount*l.Quantity, inv.Currency.Code)})
	}
	s.renderFor(w, r, q, status, "invoice", v)
}

// invoiceAction cancels an invoice or emails its link again, each after a
// confirmation page (create_payments, as the API's routes).
func (s *Server) invoiceAction(act string) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, q *request) {
		ctx := r.Context()
		inv, _, err := s.eng.GetInvoice(ctx, q.actor, r.PathValue("id"))
		if err != nil {
			s.fail(w, r, q, err)
			return
		}
		back := "/dashboard/invoices/" + url.PathEscape(inv.ID)
		if r.PostForm.Get("step") != "confirm" {
			v := &askView{view: view{Title: "Confirm", Nav: "invoices"}, Action: back + "/" + act, Back: back}
			total := formatMoney(inv.Total, inv.Currency.Code)
			if act == "cancel" {
				v.Heading, v.Button = "Cancel invoice "+inv.Number, "Yes, cancel the invoice"
				v.Text = "Cancel invoice " + inv.Number + " of " + total + " to " + inv.CustomerEmail + "? Its payment link stops working at once."
			} else {
				v.Heading, v.Button = "Send invoice "+inv.Number, "Yes, send the link"
				v.Text = "Email the payment link of invoice " + inv.Number + " (" + total + ") to " + inv.CustomerEmail + " again?"
			}
			s.renderFor(w, r, q, http.StatusOK, "ask", v)
			return
		}
		if act == "cancel" {
			_, err = s.eng.CancelInvoice(ctx, q.actor, inv.ID)
		} else {
			_, err = s.eng.SendInvoice(ctx, q.actor, inv.ID)
		}
		if err != nil {
			s.fail(w, r, q, err)
			return
		}
		http.Redirect(w, r, back+"?done=invoice-"+act, http.StatusSeeOther)
	}
}
