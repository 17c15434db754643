package engine

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/invoice"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/webhook"
)

// Invoice events.
const (
	EventInvoicePaid     = webhook.InvoicePaid
	EventInvoiceCanceled = webhook.InvoiceCanceled
	EventInvoiceExpired  = webhook.InvoiceExpired
)

// InvoiceInput creates an invoice.
type InvoiceInput struct {
	CustomerEmail string
	CustomerName  string
	Currency      string
	Lines         []invoice.Line
	DueAt         time.Time
	// ExpiresAt ends the payment link (default: 30 days after the due date).
	ExpiresAt *time.Time
	Memo      string
	Locale    string
	// Send emails the payment link now (default true at the API).
	Send bool
}

// CreatedInvoice is a new invoice and its payment link, shown once.
type CreatedInvoice struct {
	Invoice *invoice.Invoice
	Link    string
	// LinkQR is the link as a QR code image (served by the pages).
	LinkQR string
}

// CreateInvoice records an invoice with a payment link; with Send, the link
// is emailed to the customer (queued in the same transaction).
func (e *Engine) CreateInvoice(ctx context.Context, a Actor, in InvoiceInput) (*CreatedInvoice, error) {
	now := e.now()
	if !validEmail(in.CustomerEmail) {
		return nil, fault.InvalidParam("customer_email", "email_invalid", "customer_email must be an email address")
	}
	if err := validText("customer_name", in.CustomerName, 200); err != nil {
		return nil, err
	}
	if err := validText("memo", in.Memo, 2000); err != nil {
		return nil, err
	}
	cur, err := money.Lookup(in.Currency)
	if err != nil {
		return nil, fault.InvalidParam("currency", "currency_invalid", "%q is not a supported ISO 4217 currency code", in.Currency)
	}
	// The link opens a routed checkout: refuse now a currency that none of
	// the merchant's enabled configurations accepts, not when it is paid.
	if err := e.someConfigAccepts(ctx, a, cur.Code, nil); err != nil {
		return nil, err
	}
	if len(in.Lines) == 0 || len(in.Lines) > 100 {
		return nil, fault.InvalidParam("line_items", "parameter_invalid", "an invoice has 1 to 100 line items")
	}
	for i, l := range in.Lines {
		if err := validText(fmt.Sprintf("line_items[%d].description", i), l.Description, 500); err != nil {
			return nil, err
		}
		if l.Description == "" {
			return nil, fault.InvalidParam(fmt.Sprintf("line_items[%d].description", i), "parameter_missing", "each line item needs a description")
		}
	}
	total, ok := invoice.Totals(in.Lines)
	if !ok || total > MaxAmount {
		return nil, fault.InvalidParam("line_items", "amount_invalid", "each line needs a quantity and unit_amount of at least 1, and the total at most %d", int64(MaxAmount))
	}
	if in.DueAt.IsZero() {
		return nil, fault.InvalidParam("due_date", "parameter_missing", "due_date is required")
	}
	if in.Locale == "" {
		in.Locale = "en"
	}
	if !slices.Contains(checkout.Locales, in.Locale) {
		return nil, fault.InvalidParam("locale", "parameter_invalid", "locale must be one of en, ar")
	}
	expires := in.DueAt.Add(invoice.DefaultExpiry)
	if in.ExpiresAt != nil {
		expires = *in.ExpiresAt
	}
	if !expires.After(now) {
		return nil, fault.InvalidParam("expires_at", "parameter_invalid", "the payment link would already have expired")
	}
	inv := &invoice.Invoice{ID: id.New("inv"), MerchantID: a.MerchantID, Mode: a.Mode, CustomerEmail: in.CustomerEmail, CustomerName: in.CustomerName,
		Currency: cur, Lines: in.Lines, Total: total, Memo: in.Memo, Locale: in.Locale, DueAt: in.DueAt, ExpiresAt: expires,
		Status: invoice.Open, CreatedAt: now, UpdatedAt: now}
	inv.Number = "INV-" + strings.ToUpper(inv.ID[len(inv.ID)-8:])
	token := "il_" + id.Secret(32)
	inv.TokenHash = tokenHash(token)
	if inv.TokenKeyID, inv.SealedToken, err = e.seal(ctx, func(k string) []byte { return []byte("invoice-link|" + inv.ID + "|" + k) }, []byte(token)); err != nil {
		return nil, err
	}
	m, err := e.store.GetMerchant(ctx, a.MerchantID)
	if err != nil {
		return nil, err
	}
	link := e.invoiceLink(token)
	err = e.store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertInvoice(ctx, inv); err != nil {
			return err
		}
		if in.Send {
			if err := tx.InsertEmail(ctx, a.MerchantID, a.Mode, "invoice", inv.ID, e.invoiceMail(m.Name, inv, link, ""), now); err != nil {
				return err
			}
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("invoice.created"), "invoice", inv.ID, map[string]string{"to": inv.CustomerEmail}))
	})
	if err != nil {
		return nil, err
	}
	e.wakeMailer()
	return &CreatedInvoice{Invoice: inv, Link: link, LinkQR: e.publicURL + "/i/qr/" + url.PathEscape(token)}, nil
}

func validEmail(s string) bool {
	at := strings.LastIndex(s, "@")
	return at > 0 && at < len(s)-3 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " \r\n<>,;") && len(s) <= 320
}

func (e *Engine) invoiceLink(token string) string { return e.publicURL + "/i/" + url.PathEscape(token) }

// InvoiceLinkURL is the payment link of the invoice a link token names,
// found without opening it (InvoiceLink starts a checkout).
func (e *Engine) InvoiceLinkURL(ctx context.Context, token string) (string, error) {
	if _, err := e.store.FindInvoiceByToken(ctx, tokenHash(token)); err != nil {
		return "", err
	}
	return e.invoiceLink(token), nil
}

// invoiceMail writes the email of an invoice or of a reminder (kind).
func (e *Engine) invoiceMail(merchant string, inv *invoice.Invoice, link, kind string) Mail {
	amount := FormatAmount(inv.Total, inv.Currency)
	due := inv.DueAt.UTC().Format("2 January 2006")
	subject := fmt.Sprintf("Invoice %s from %s: %s due %s", inv.Number, merchant, amount, due)
	intro := fmt.Sprintf("%s has sent you invoice %s.", merchant, inv.Number)
	switch kind {
	case "before_due":
		subject = fmt.Sprintf("Reminder: invoice %s from %s (%s) is due %s", inv.Number, merchant, amount, due)
		intro = fmt.Sprintf("A reminder: invoice %s from %s is due on %s.", inv.Number, merchant, due)
	case "overdue":
		subject = fmt.Sprintf("Overdue: invoice %s from %s (%s) was due %s", inv.Number, merchant, amount, due)
		intro = fmt.Sprintf("Invoice %s from %s was due on %s and is not paid yet.", inv.Number, merchant, due)
	}
	var b strings.Builder
	name := inv.CustomerName
	if name == "" {
		name = "there"
	}
	fmt.Fprintf(&b, "Hello %s,\n\n%s\n\n", name, intro)
	for _, l := range inv.Lines {
		fmt.Fprintf(&b, "  %s  x%d  %s\n", l.Description, l.Quantity, money.Format(l.Quantity*l.UnitAmount, inv.Currency))
	}
	fmt.Fprintf(&b, "\nTotal: %s\nDue: %s\n\nPay securely here:\n%s\n", amount, due, link)
	if inv.Memo != "" {
		fmt.Fprintf(&b, "\n%s\n", inv.Memo)
	}
	fmt.Fprintf(&b, "\nThis link works until %s.\n", inv.ExpiresAt.UTC().Format("2 January 2006"))
	return Mail{ID: id.New("eml"), To: inv.CustomerEmail, Subject: subject, Text: b.String()}
}

func (e *Engine) openInvoiceToken(ctx context.Context, inv *invoice.Invoice) (string, error) {
	pt, err := e.open(ctx, inv.TokenKeyID, []byte("invoice-link|"+inv.ID+"|"+inv.TokenKeyID), inv.SealedToken)
	return string(pt), err
}

// InvoiceLink opens an invoice's payment link: for an open invoice, a
// checkout session for its total (a fresh one each time, since session
// tokens are not kept); else the invoice, to say why it cannot be paid.
// When the checkout cannot be made the invoice is returned with the error.
func (e *Engine) InvoiceLink(ctx context.Context, token string) (*invoice.Invoice, string, error) {
	inv, err := e.store.FindInvoiceByToken(ctx, tokenHash(token))
	if err != nil {
		return nil, "", err
	}
	now := e.now()
	if inv.Status != invoice.Open || !now.Before(inv.ExpiresAt) {
		return inv, "", nil
	}
	a := Actor{MerchantID: inv.MerchantID, Mode: inv.Mode}
	ttl := min(DefaultCheckoutTTL, inv.ExpiresAt.Sub(now))
	ttl = max(ttl, MinCheckoutTTL)
	desc := "Invoice " + inv.Number
	cs, err := e.CreateCheckoutSession(ctx, a, CheckoutInput{Amount: inv.Total, Currency: inv.Currency.Code, Description: desc,
		Reference: inv.ID, Locale: inv.Locale, SuccessURL: e.publicURL + "/checkout/thanks", ExpiresIn: ttl,
		Metadata: map[string]string{"invoice": inv.ID}})
	if err != nil {
		// The invoice goes with the error: its page speaks the invoice's locale.
		return inv, "", err
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.GetInvoiceForUpdate(ctx, inv.MerchantID, inv.Mode, inv.ID)
		if err != nil {
			return err
		}
		cur.SessionID, cur.UpdatedAt = cs.Session.ID, now
		return tx.UpdateInvoice(ctx, cur)
	})
	return inv, cs.URL, err
}

// invoicePayable refuses a checkout payment for an invoice that is no longer open.
func (e *Engine) invoicePayable(ctx context.Context, s *checkout.Session) error {
	invID := s.Metadata["invoice"]
	if invID == "" {
		return nil
	}
	inv, err := e.store.GetInvoice(ctx, s.MerchantID, s.Mode, invID)
	if err != nil {
		return err
	}
	if inv.Status != invoice.Open {
		return fault.New(fault.Conflict, "invoice_not_open", "invoice %s is %s", inv.Number, inv.Status)
	}
	return nil
}

// invoicePaid marks a checkout session's invoice paid, in the transaction
// that completes the session.
func (e *Engine) invoicePaid(ctx context.Context, tx Tx, s *checkout.Session) error {
	invID := s.Metadata["invoice"]
	if invID == "" || s.Status != checkout.Complete {
		return nil
	}
	inv, err := tx.GetInvoiceForUpdate(ctx, s.MerchantID, s.Mode, invID)
	if err != nil || inv.Status != invoice.Open {
		return err
	}
	inv.Status, inv.PaymentID, inv.SessionID, inv.UpdatedAt = invoice.Paid, s.PaymentID, s.ID, e.now()
	if err := tx.UpdateInvoice(ctx, inv); err != nil {
		return err
	}
	return e.emitObject(ctx, tx, inv.MerchantID, inv.Mode, EventInvoicePaid, inv.ID, inv)
}

// GetInvoice returns an invoice with the emails sent about it.
func (e *Engine) GetInvoice(ctx context.Context, a Actor, invID string) (*invoice.Invoice, []Email, error) {
	inv, err := e.store.GetInvoice(ctx, a.MerchantID, a.Mode, invID)
	if err != nil {
		return nil, nil, err
	}
	emails, err := e.store.ListEmails(ctx, a.MerchantID, a.Mode, inv.ID)
	return inv, emails, err
}

// ListInvoices lists invoices, newest first.
func (e *Engine) ListInvoices(ctx context.Context, a Actor, startingAfter string, limit int) ([]*invoice.Invoice, error) {
	return e.store.ListInvoices(ctx, a.MerchantID, a.Mode, startingAfter, limit)
}

// CancelInvoice cancels an open invoice: its link stops working.
func (e *Engine) CancelInvoice(ctx context.Context, a Actor, invID string) (*invoice.Invoice, error) {
	var out *invoice.Invoice
	err := e.store.Update(ctx, func(tx Tx) error {
		inv, err := tx.GetInvoiceForUpdate(ctx, a.MerchantID, a.Mode, invID)
		if err != nil {
			return err
		}
		if inv.Status != invoice.Open {
			return fault.New(fault.Conflict, "invoice_not_open", "invoice %s is %s and cannot be canceled", inv.Number, inv.Status)
		}
		inv.Status, inv.UpdatedAt = invoice.Canceled, e.now()
		out = inv
		if err := tx.UpdateInvoice(ctx, inv); err != nil {
			return err
		}
		if err := e.emitObject(ctx, tx, inv.MerchantID, inv.Mode, EventInvoiceCanceled, inv.ID, inv); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Action("invoice.canceled"), "invoice", inv.ID, nil))
	})
	return out, err
}

// SendInvoice emails an open invoice's link again.
func (e *Engine) SendInvoice(ctx context.Context, a Actor, invID string) (*invoice.Invoice, error) {
	inv, err := e.store.GetInvoice(ctx, a.MerchantID, a.Mode, invID)
	if err != nil {
		return nil, err
	}
	if inv.Status != invoice.Open {
		return nil, fault.New(fault.Conflict, "invoice_not_open", "invoice %s is %s", inv.Number, inv.Status)
	}
	token, err := e.openInvoiceToken(ctx, inv)
	if err != nil {
		return nil, err
	}
	m, err := e.store.GetMerchant(ctx, a.MerchantID)
	if err != nil {
		return nil, err
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		return tx.InsertEmail(ctx, a.MerchantID, a.Mode, "invoice", inv.ID, e.invoiceMail(m.Name, inv, e.invoiceLink(token), ""), e.now())
	})
	e.wakeMailer()
	return inv, err
}

// RemindInvoices sends due reminders and expires invoices whose link ran
// out; several processes share the work (claims skip locked rows).
func (e *Engine) RemindInvoices(ctx context.Context) (int, error) {
	now := e.now()
	var open []*invoice.Invoice
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		open, err = tx.ClaimOpenInvoices(ctx, now, now.Add(5*time.Minute), 100)
		return err
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, inv := range open {
		kind, due := inv.ReminderDue(now)
		var mailMsg *Mail
		if due {
			token, err := e.openInvoiceToken(ctx, inv)
			if err != nil {
				return n, err
			}
			m, err := e.store.GetMerchant(ctx, inv.MerchantID)
			if err != nil {
				return n, err
			}
			msg := e.invoiceMail(m.Name, inv, e.invoiceLink(token), kind)
			mailMsg = &msg
		}
		err := e.store.Update(ctx, func(tx Tx) error {
			cur, err := tx.GetInvoiceForUpdate(ctx, inv.MerchantID, inv.Mode, inv.ID)
			if err != nil {
				return err
			}
			if cur.Status == invoice.Open && !now.Before(cur.ExpiresAt) {
				cur.Status, cur.UpdatedAt = invoice.Expired, now
				if err := e.emitObject(ctx, tx, cur.MerchantID, cur.Mode, EventInvoiceExpired, cur.ID, cur); err != nil {
					return err
				}
			} else if k, ok := cur.ReminderDue(now); ok && mailMsg != nil && k == kind {
				if err := tx.InsertEmail(ctx, cur.MerchantID, cur.Mode, "reminder_"+kind, cur.ID, *mailMsg, now); err != nil {
					return err
				}
				cur.Reminded(kind, now)
				n++
			}
			return tx.UpdateInvoice(ctx, cur)
		})
		if err != nil {
			return n, err
		}
	}
	if n > 0 {
		e.wakeMailer()
	}
	return n, nil
}

func (e *Engine) wakeMailer() {
	select {
	case e.mailWake <- struct{}{}:
	default:
	}
}

// mailRetries space the attempts of an email that could not be sent.
var mailRetries = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour}

// SendMail sends due emails once; it reports how many it tried.
func (e *Engine) SendMail(ctx context.Context, m Mailer) (int, error) {
	now := e.now()
	var msgs []*Mail
	var attempts []int
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		msgs, attempts, err = tx.ClaimEmails(ctx, now, now.Add(2*time.Minute), 50)
		return err
	})
	if err != nil {
		return 0, err
	}
	for i, msg := range msgs {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		sendErr := m.Send(sctx, *msg)
		cancel()
		n := attempts[i] + 1
		var next time.Time
		lastErr := ""
		if sendErr != nil {
			lastErr = sendErr.Error()
			if n <= len(mailRetries) {
				next = e.now().Add(mailRetries[n-1])
			}
			e.log.Warn("email not sent", "email", msg.ID, "attempt", n, "err", sendErr)
		}
		if err := e.store.Update(ctx, func(tx Tx) error {
			return tx.FinishEmail(ctx, msg.ID, sendErr == nil, n, next, lastErr, e.now())
		}); err != nil {
			return i, err
		}
	}
	return len(msgs), nil
}

// RunMailer sends queued email until ctx ends.
func (e *Engine) RunMailer(ctx context.Context, m Mailer, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for ctx.Err() == nil {
		if n, err := e.SendMail(ctx, m); err != nil && ctx.Err() == nil {
			e.log.Warn("mail pass failed", "err", err)
		} else if n > 0 {
			continue
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-e.mailWake:
		}
	}
}
