package api

import (
	"net/http"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/invoice"
)

type emailJSON struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	To       string  `json:"to"`
	Subject  string  `json:"subject"`
	Status   string  `json:"status"`
	Attempts int     `json:"attempts"`
	SentAt   *string `json:"sent_at"`
}

type invoiceJSON struct {
	ID            string         `json:"id"`
	Object        string         `json:"object"`
	Mode          string         `json:"mode"`
	Number        string         `json:"number"`
	Status        string         `json:"status"`
	CustomerEmail string         `json:"customer_email"`
	CustomerName  *string        `json:"customer_name"`
	Currency      string         `json:"currency"`
	LineItems     []invoice.Line `json:"line_items"`
	Total         int64          `json:"total"`
	Memo          *string        `json:"memo"`
	Locale        string         `json:"locale"`
	DueAt         string         `json:"due_at"`
	ExpiresAt     string         `json:"expires_at"`
	Payment       *string        `json:"payment"`
	CreatedAt     string         `json:"created_at"`
	// PaymentLink is shown once, on the answer that created the invoice.
	PaymentLink string `json:"payment_link,omitempty"`
	// PaymentLinkQR is the link as a QR code image, shown with it.
	PaymentLinkQR string      `json:"payment_link_qr_code_url,omitempty"`
	Emails        []emailJSON `json:"emails,omitempty"`
}

func invoiceView(in *invoice.Invoice, link string, emails []engine.Email) invoiceJSON {
	v := invoiceJSON{ID: in.ID, Object: "invoice", Mode: string(in.Mode), Number: in.Number, Status: string(in.Status), CustomerEmail: in.CustomerEmail,
		CustomerName: opt(in.CustomerName), Currency: in.Currency.Code, LineItems: in.Lines, Total: in.Total, Memo: opt(in.Memo), Locale: in.Locale,
		DueAt: ts(in.DueAt), ExpiresAt: ts(in.ExpiresAt), Payment: opt(in.PaymentID), CreatedAt: ts(in.CreatedAt), PaymentLink: link}
	for _, e := range emails {
		ej := emailJSON{ID: e.ID, Kind: e.Kind, To: e.To, Subject: e.Subject, Status: e.Status, Attempts: e.Attempts}
		if e.SentAt != nil {
			t := ts(*e.SentAt)
			ej.SentAt = &t
		}
		v.Emails = append(v.Emails, ej)
	}
	return v
}

type invoiceRequest struct {
	CustomerEmail string         `json:"customer_email"`
	CustomerName  string         `json:"customer_name"`
	Currency      *string        `json:"currency"`
	LineItems     []invoice.Line `json:"line_items"`
	DueDate       string         `json:"due_date"`
	ExpiresAt     string         `json:"expires_at"`
	Memo          string         `json:"memo"`
	Locale        string         `json:"locale"`
	Send          *bool          `json:"send"`
}

// parseDay reads an RFC 3339 time, unix seconds, or a date (end of that day, UTC).
func parseDay(v string) (time.Time, error) {
	if d, err := time.Parse("2006-01-02", v); err == nil {
		return d.Add(24*time.Hour - time.Second), nil
	}
	return parseTime(v)
}

func (s *Server) createInvoice(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[invoiceRequest](s, w, r, false)
	if !ok {
		return
	}
	if req.Currency == nil {
		writeProblem(w, r, fault.InvalidParam("currency", "parameter_missing", "currency is required (ISO 4217 code such as USD)"))
		return
	}
	in := engine.InvoiceInput{CustomerEmail: req.CustomerEmail, CustomerName: req.CustomerName, Currency: *req.Currency, Lines: req.LineItems,
		Memo: req.Memo, Locale: req.Locale, Send: req.Send == nil || *req.Send}
	if req.DueDate != "" {
		t, err := parseDay(req.DueDate)
		if err != nil {
			writeProblem(w, r, fault.InvalidParam("due_date", "parameter_invalid", "due_date must be a date (2026-12-31), an RFC 3339 time or unix seconds"))
			return
		}
		in.DueAt = t
	}
	if req.ExpiresAt != "" {
		t, err := parseDay(req.ExpiresAt)
		if err != nil {
			writeProblem(w, r, fault.InvalidParam("expires_at", "parameter_invalid", "expires_at must be a date, an RFC 3339 time or unix seconds"))
			return
		}
		in.ExpiresAt = &t
	}
	c, err := s.engine.CreateInvoice(r.Context(), actorOf(r.Context()), in)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	v := invoiceView(c.Invoice, c.Link, nil)
	v.PaymentLinkQR = c.LinkQR
	writeBody(w, http.StatusCreated, mustJSON(v))
}

func (s *Server) getInvoice(w http.ResponseWriter, r *http.Request) {
	in, emails, err := s.engine.GetInvoice(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(invoiceView(in, "", emails)))
}

func (s *Server) listInvoices(w http.ResponseWriter, r *http.Request) {
	limit, after, ok := pageParams(w, r)
	if !ok {
		return
	}
	ins, err := s.engine.ListInvoices(r.Context(), actorOf(r.Context()), after, limit+1)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	page(w, ins, limit, func(i *invoice.Invoice) string { return i.ID }, func(i *invoice.Invoice) invoiceJSON { return invoiceView(i, "", nil) })
}

func (s *Server) cancelInvoice(w http.ResponseWriter, r *http.Request) {
	if _, ok := readJSON[struct{}](s, w, r, true); !ok {
		return
	}
	in, err := s.engine.CancelInvoice(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(invoiceView(in, "", nil)))
}

func (s *Server) sendInvoice(w http.ResponseWriter, r *http.Request) {
	if _, ok := readJSON[struct{}](s, w, r, true); !ok {
		return
	}
	in, err := s.engine.SendInvoice(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(invoiceView(in, "", nil)))
}
