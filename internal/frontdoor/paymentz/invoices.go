package paymentz

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/invoice"
	"github.com/paygate/paygate/internal/money"
)

// InvoicePrefix is the invoice service's path prefix (reference §2.2:
// /invoiceServices/REST/v1/, the "v1" segment inferred).
const InvoicePrefix = "/invoiceServices/REST/v1/"

const (
	codeInvoiceGenerated = "00010"
	codeInvoiceCancelled = "00011"
	codeInvoiceFound     = "00014"
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
	days := 7
	if v := q.Get("expirationPeriod"); v != "" {
		if days, err = strconv.Atoi(v); err != nil || days < 1 || days > 90 {
			s.fail(w, r, badParam("expirationPeriod must be 1 to 90 days"))
			return
		}
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

// invoiceOp is POST …/cancel and …/inquiry, signed memberId|secureKey|invoiceno.
func (s *Server) invoiceOp(cancel bool) func(http.ResponseWriter, *http.Request, *call) {
	return func(w http.ResponseWriter, r *http.Request, c *call) {
		no := c.req.Get("invoiceno")
		if !checksumMatches(c.req.Get("authentication.checksum"), LookupChecksum(c.member, c.key, no)) {
			s.fail(w, r, errBadChecksum)
			return
		}
		a := c.actor(r)
		if cancel {
			inv, err := s.e.CancelInvoice(r.Context(), a, no)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			encodeInvoice(w, r, s.now(), result{codeInvoiceCancelled, "Invoice cancelled successfully"}, invoiceOf(inv, ""))
			return
		}
		inv, _, err := s.e.GetInvoice(r.Context(), a, no)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encodeInvoice(w, r, s.now(), result{codeInvoiceFound, "Invoice found"}, invoiceOf(inv, ""))
	}
}

func encodeInvoice(w http.ResponseWriter, r *http.Request, now time.Time, res result, inv *invoiceView) {
	encode(w, r, http.StatusOK, &response{Result: res, Invoice: inv, Timestamp: stamp(now)})
}
