package paymentz

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/invoice"
	"github.com/paygate/paygate/internal/money"
)

// InvoicePrefix is the invoice service's path prefix (reference §2.2:
// /invoiceServices/REST/v1/, the "v1" segment inferred).
const InvoicePrefix = "/invoiceServices/REST/v1/"

const (
	codeInvoiceGenerated   = "00010"
	codeInvoiceCancelled   = "00011"
	codeInvoiceReminded    = "00012"
	codeInvoiceRegenerated = "00013"
	codeInvoiceFound       = "00014"
)

// invoiceView is the answer of the invoice service. The reference gives
// the operations and their checksums, not the answer's fields; these are
// paygate's, named in the platform's style.
type invoiceView struct {
	InvoiceNo   string `json:"invoiceno" xml:"invoiceno"`
	Description string `json:"description" xml:"description"`
	Amount      string `json:"amount" xml:"amount"`
	Currency    string `json:"currency" xml:"currency"`
	Status      string `json:"status" xml:"status"` // open, paid, canceled, expired
	PaymentURL  string `json:"paymentUrl,omitempty" xml:"paymentUrl,omitempty"`
	PaymentID   string `json:"paymentId,omitempty" xml:"paymentId,omitempty"`
	CustEmail   string `json:"custEmail" xml:"custEmail"`
	ExpiryDate  string `json:"expiryDate" xml:"expiryDate"`
	// RegeneratedFrom is the expired or cancelled invoice a regenerate
	// answer replaces.
	RegeneratedFrom string `json:"regeneratedFrom,omitempty" xml:"regeneratedFrom,omitempty"`
	// Lines and Emails answer getInvoiceDetails.
	Lines  []invoiceLineView  `json:"lines,omitempty" xml:"lines>line,omitempty"`
	Emails []invoiceEmailView `json:"emails,omitempty" xml:"emails>email,omitempty"`
}

type invoiceLineView struct {
	Description string `json:"description" xml:"description"`
	Quantity    int64  `json:"quantity" xml:"quantity"`
	UnitAmount  string `json:"unitAmount" xml:"unitAmount"`
	Amount      string `json:"amount" xml:"amount"`
}

// invoiceEmailView is one email sent (or queued) about the invoice.
type invoiceEmailView struct {
	Kind    string `json:"kind" xml:"kind"`
	To      string `json:"to" xml:"to"`
	Status  string `json:"status" xml:"status"`
	Created string `json:"created" xml:"created"`
	Sent    string `json:"sent,omitempty" xml:"sent,omitempty"`
}

func invoiceOf(inv *invoice.Invoice, link string) *invoiceView {
	desc := ""
	if len(inv.Lines) > 0 {
		desc = inv.Lines[0].Description
	}
	return &invoiceView{InvoiceNo: inv.ID, Description: desc, Amount: formatAmount(inv.Total, inv.Currency), Currency: inv.Currency.Code,
		Status: string(inv.Status), PaymentURL: link, PaymentID: PaymentID(inv.PaymentID), CustEmail: inv.CustomerEmail, ExpiryDate: stamp(inv.ExpiresAt)}
}

// generateInvoice is POST /invoiceServices/REST/v1/generate: an invoice of
// paygate (#5) whose payment link is emailed to custEmail, signed
// memberId|secureKey|description|amount|redirectUrl (§2.5;
// |quantityTotal appended when sent). redirectUrl is signed as sent; the
// payer returns to paygate's thank-you page after paying.
func (s *Server) generateInvoice(w http.ResponseWriter, r *http.Request, c *call) {
	q := c.req
	desc, amountText, redirect := q.Get("description"), q.Get("amount"), q.Get("redirectUrl")
	fields := []string{c.member, c.key, desc, amountText, redirect}
	if qt := q.Get("quantityTotal"); qt != "" {
		fields = append(fields, qt)
	}
	if !checksumMatches(q.Get("authentication.checksum"), Checksum(fields...)) {
		s.fail(w, r, errBadChecksum)
		return
	}
	if strings.TrimSpace(desc) == "" {
		s.fail(w, r, badParam("description is required"))
		return
	}
	cur, err := money.Lookup(q.Get("currency"))
	if err != nil {
		s.fail(w, r, badParam("currency must be an ISO 4217 alphabetic code"))
		return
	}
	amount, err := parseAmount("amount", amountText, cur)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	days, err := expirationDays(q.Get("expirationPeriod"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	due := s.now().Add(time.Duration(days) * 24 * time.Hour)
	created, err := s.e.CreateInvoice(r.Context(), c.actor(r), engine.InvoiceInput{CustomerEmail: q.Get("custEmail"), CustomerName: q.Get("custName"),
		Currency: cur.Code, Lines: []invoice.Line{{Description: desc, Quantity: 1, UnitAmount: amount}}, DueAt: due, Send: q.Get("custEmail") != ""})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	encodeInvoice(w, r, s.now(), result{codeInvoiceGenerated, "Invoice generated successfully"}, invoiceOf(created.Invoice, created.Link))
}

// invoiceOperation is one of the invoice calls on an existing invoice, all
// signed memberId|secureKey|invoiceno (§2.5: "invoice cancel/remind/
// inquiry"; paygate signs the other lookups the same way).
type invoiceOperation int

const (
	invoiceInquiry invoiceOperation = iota
	invoiceCancel
	invoiceRemind
	invoiceRegenerate
	invoiceDetails
	invoicePayment
)

// invoiceOp is POST …/cancel, …/inquiry (and its alias getInvoice), …/remind,
// …/regenerate, …/getInvoiceDetails and …/invoiceTransInquiry.
func (s *Server) invoiceOp(op invoiceOperation) func(http.ResponseWriter, *http.Request, *call) {
	return func(w http.ResponseWriter, r *http.Request, c *call) {
		no := c.req.Get("invoiceno")
		if !checksumMatches(c.req.Get("authentication.checksum"), LookupChecksum(c.member, c.key, no)) {
			s.fail(w, r, errBadChecksum)
			return
		}
		a := c.actor(r)
		var inv *invoice.Invoice
		var err error
		res := result{codeInvoiceFound, "Invoice found"}
		switch op {
		case invoiceCancel:
			inv, err = s.e.CancelInvoice(r.Context(), a, no)
			res = result{codeInvoiceCancelled, "Invoice cancelled successfully"}
		case invoiceRemind:
			// The link is emailed again, whatever the reminder schedule.
			inv, err = s.e.SendInvoice(r.Context(), a, no)
			res = result{codeInvoiceReminded, "Invoice reminder sent successfully"}
		case invoiceRegenerate:
			s.regenerateInvoice(w, r, c, no)
			return
		case invoicePayment:
			s.invoicePayment(w, r, c, no)
			return
		default:
			var emails []engine.Email
			inv, emails, err = s.e.GetInvoice(r.Context(), a, no)
			if err == nil && op == invoiceDetails {
				v := invoiceOf(inv, "")
				v.Lines, v.Emails = linesOf(inv), emailsOf(emails)
				encodeInvoice(w, r, s.now(), res, v)
				return
			}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encodeInvoice(w, r, s.now(), res, invoiceOf(inv, ""))
	}
}

// regenerateInvoice is POST …/regenerate: an expired or cancelled invoice
// is issued again as a new invoice (same customer, lines, currency and
// memo; a new number and payment link, due in expirationPeriod days,
// default 7) and its link emailed. The reference gives the result codes
// (00013, and 10177 "cannot regenerate invoice") but not what regenerating
// means; an open invoice still has a working link and a paid one is done,
// so both answer 10177 and nothing is created.
func (s *Server) regenerateInvoice(w http.ResponseWriter, r *http.Request, c *call, no string) {
	a := c.actor(r)
	old, _, err := s.e.GetInvoice(r.Context(), a, no)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lapsed := old.Status == invoice.Open && !s.now().Before(old.ExpiresAt) // expiry not swept yet
	if old.Status != invoice.Expired && old.Status != invoice.Canceled && !lapsed {
		s.fail(w, r, errNoRegenerate)
		return
	}
	days, err := expirationDays(c.req.Get("expirationPeriod"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	created, err := s.e.CreateInvoice(r.Context(), a, engine.InvoiceInput{CustomerEmail: old.CustomerEmail, CustomerName: old.CustomerName,
		Currency: old.Currency.Code, Lines: old.Lines, Memo: old.Memo, Locale: old.Locale,
		DueAt: s.now().Add(time.Duration(days) * 24 * time.Hour), Send: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := invoiceOf(created.Invoice, created.Link)
	v.RegeneratedFrom = old.ID
	encodeInvoice(w, r, s.now(), result{codeInvoiceRegenerated, "Invoice regenerated successfully"}, v)
}

// invoicePayment is POST …/invoiceTransInquiry: the payment that paid the
// invoice, answered as an inquiry (IN) of it; an invoice not paid yet has
// none (10009).
func (s *Server) invoicePayment(w http.ResponseWriter, r *http.Request, c *call, no string) {
	a := c.actor(r)
	inv, _, err := s.e.GetInvoice(r.Context(), a, no)
	if err == nil && inv.PaymentID == "" {
		err = fault.NotFoundf("payment of invoice", no)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, _, err := s.e.GetPayment(r.Context(), a, inv.PaymentID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.found(w, r, p)
}

func expirationDays(v string) (int, error) {
	if v == "" {
		return 7, nil
	}
	days, err := strconv.Atoi(v)
	if err != nil || days < 1 || days > 90 {
		return 0, badParam("expirationPeriod must be 1 to 90 days")
	}
	return days, nil
}

func linesOf(inv *invoice.Invoice) []invoiceLineView {
	out := make([]invoiceLineView, 0, len(inv.Lines))
	for _, l := range inv.Lines {
		out = append(out, invoiceLineView{Description: l.Description, Quantity: l.Quantity,
			UnitAmount: formatAmount(l.UnitAmount, inv.Currency), Amount: formatAmount(l.Quantity*l.UnitAmount, inv.Currency)})
	}
	return out
}

func emailsOf(es []engine.Email) []invoiceEmailView {
	out := make([]invoiceEmailView, 0, len(es))
	for _, e := range es {
		v := invoiceEmailView{Kind: e.Kind, To: e.To, Status: e.Status, Created: stamp(e.CreatedAt)}
		if e.SentAt != nil {
			v.Sent = stamp(*e.SentAt)
		}
		out = append(out, v)
	}
	return out
}

func encodeInvoice(w http.ResponseWriter, r *http.Request, now time.Time, res result, inv *invoiceView) {
	encode(w, r, http.StatusOK, &response{Result: res, Invoice: inv, Timestamp: stamp(now)})
}
