package engine

import (
	"context"
	"encoding/json"
	"github.com/paygate/paygate/internal/audit"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/customer"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/recurring"
	"github.com/paygate/paygate/internal/vault"
)

// CustomerInput creates a customer.
type CustomerInput struct {
	Reference string
	Email     string
	Name      string
	Metadata  map[string]string
}

// CreateCustomer makes a payer account whose cards payments can save.
func (e *Engine) CreateCustomer(ctx context.Context, a Actor, in CustomerInput) (*customer.Customer, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	c := &customer.Customer{ID: id.New("cus"), MerchantID: a.MerchantID, Mode: a.Mode, Reference: in.Reference,
		Email: in.Email, Name: in.Name, Metadata: in.Metadata, CreatedAt: e.now()}
	if err := e.store.Update(ctx, func(tx Tx) error { return tx.InsertCustomer(ctx, c) }); err != nil {
		return nil, err
	}
	return c, nil
}

func (in CustomerInput) validate() error {
	for _, f := range []struct {
		param, v string
		max      int
	}{{"reference", in.Reference, 255}, {"email", in.Email, 320}, {"name", in.Name, 200}} {
		if err := validText(f.param, f.v, f.max); err != nil {
			return err
		}
	}
	if strings.HasPrefix(in.Reference, "cus_") {
		return fault.InvalidParam("reference", "parameter_invalid", "reference is the merchant's own id and cannot start with cus_")
	}
	if in.Email != "" && !strings.Contains(in.Email, "@") {
		return fault.InvalidParam("email", "email_invalid", "email must be an email address")
	}
	return validMetadata(in.Metadata)
}

// CustomerPatch changes the fields of a customer that are set; Metadata
// replaces the whole map.
type CustomerPatch struct {
	Reference, Email, Name *string
	Metadata               map[string]string
}

// UpdateCustomer changes a customer's reference, email, name or metadata.
func (e *Engine) UpdateCustomer(ctx context.Context, a Actor, ref string, p CustomerPatch) (*customer.Customer, error) {
	c, err := e.findCustomer(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	var in CustomerInput
	for _, f := range []struct {
		v  *string
		to *string
	}{{p.Reference, &in.Reference}, {p.Email, &in.Email}, {p.Name, &in.Name}} {
		if f.v != nil {
			*f.to = *f.v
		}
	}
	in.Metadata = p.Metadata
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *customer.Customer
	err = e.store.Update(ctx, func(tx Tx) error {
		out, err = tx.UpdateCustomer(ctx, a.MerchantID, a.Mode, c.ID, p)
		return err
	})
	return out, err
}

// DeleteCustomer erases a customer (a data subject's erasure): its saved
// cards are deleted and their ciphertext erased at once, its mandates
// revoked, its reference, email, name and metadata cleared; its id stays,
// so past payments, subscriptions and audit entries still name it, and the
// reference may be used again. A customer with a subscription that may
// still charge (active, paused or past due) is refused: cancel it first.
func (e *Engine) DeleteCustomer(ctx context.Context, a Actor, ref string) (*customer.Customer, error) {
	c, err := e.findCustomer(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	// Stored answers that carry the customer's personal data (its creation
	// and updates) are replaced by a 410: a retry neither replays the data
	// nor makes the customer again. They are found outside the write transaction (a
	// scan of the keys since the customer was made) and looked for again
	// after it, for an update that committed in between.
	scanned := e.now()
	since := c.CreatedAt.Add(-time.Minute)
	answers, err := e.store.CustomerAnswerKeys(ctx, a.MerchantID, a.Mode, c.ID, since)
	if err != nil {
		return nil, err
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		if err := tx.ReplaceIdempotencyAnswers(ctx, a.MerchantID, a.Mode, answers, statusGone, erasedAnswer(c.ID)); err != nil {
			return err
		}
		// Erase first, then look for subscriptions: the erasure's locks
		// (customer, cards, mandates) make a subscription being created on
		// one of its mandates either visible here or refused there.
		if err := tx.EraseCustomer(ctx, a.MerchantID, a.Mode, c.ID, e.now()); err != nil {
			return err
		}
		subs, err := tx.CustomerSubscriptions(ctx, a.MerchantID, a.Mode, c.ID)
		if err != nil {
			return err
		}
		for _, s := range subs {
			if s.Status == recurring.Active || s.Status == recurring.Paused || s.Status == recurring.PastDue {
				return fault.New(fault.Conflict, "customer_has_subscriptions", "customer %s has subscription %s (%s); cancel it before deleting the customer", c.ID, s.ID, s.Status)
			}
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.CustomerDeleted, "customer", c.ID, nil))
	})
	if err != nil {
		return nil, err
	}
	late, err := e.store.CustomerAnswerKeys(ctx, a.MerchantID, a.Mode, c.ID, scanned.Add(-time.Minute))
	if err == nil && len(late) > 0 {
		err = e.store.Update(ctx, func(tx Tx) error {
			return tx.ReplaceIdempotencyAnswers(ctx, a.MerchantID, a.Mode, late, statusGone, erasedAnswer(c.ID))
		})
	}
	if err != nil {
		// The customer is erased; only a stored answer may outlive it, until its retention ends.
		e.log.Error("erasing a deleted customer's stored answers", "customer", c.ID, "err", err)
	}
	return c, nil
}

// GetCustomer finds a customer by id or by the merchant's reference.
func (e *Engine) GetCustomer(ctx context.Context, a Actor, ref string) (*customer.Customer, error) {
	return e.findCustomer(ctx, a, ref)
}

// ListCustomers lists customers newest first.
func (e *Engine) ListCustomers(ctx context.Context, a Actor, startingAfter string, limit int) ([]*customer.Customer, error) {
	return e.store.ListCustomers(ctx, a.MerchantID, a.Mode, startingAfter, clampLimit(limit))
}

// ListPaymentMethods lists a customer's saved cards.
func (e *Engine) ListPaymentMethods(ctx context.Context, a Actor, customerRef string) ([]*vault.PaymentMethod, error) {
	c, err := e.findCustomer(ctx, a, customerRef)
	if err != nil {
		return nil, err
	}
	return e.store.ListCustomerPaymentMethods(ctx, a.MerchantID, a.Mode, c.ID)
}

// GetPaymentMethod returns a vault record (never its card number).
func (e *Engine) GetPaymentMethod(ctx context.Context, a Actor, id string) (*vault.PaymentMethod, error) {
	return e.store.GetPaymentMethod(ctx, a.MerchantID, a.Mode, id)
}

// DeletePaymentMethod removes a saved card: its ciphertext is erased at once,
// so the number is gone even from this database's later backups.
func (e *Engine) DeletePaymentMethod(ctx context.Context, a Actor, customerRef, pmID string) (*vault.PaymentMethod, error) {
	c, err := e.findCustomer(ctx, a, customerRef)
	if err != nil {
		return nil, err
	}
	var out *vault.PaymentMethod
	err = e.store.Update(ctx, func(tx Tx) error {
		m, err := tx.GetPaymentMethodForUpdate(ctx, a.MerchantID, a.Mode, pmID)
		if err != nil {
			return err
		}
		if m.CustomerID != c.ID || m.Usage != vault.Reusable || m.Status == vault.MethodDeleted || m.Status == vault.MethodInactive {
			return fault.NotFoundf("payment method", pmID)
		}
		m.Status, m.Sealed, m.UpdatedAt = vault.MethodDeleted, nil, e.now()
		out = m
		if err := tx.UpdatePaymentMethod(ctx, m); err != nil {
			return err
		}
		// Who erased a card, from which front end, is a question an audit of
		// the vault asks: the record says which card (brand, last four), never more.
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.CardDeleted, "payment_method", m.ID,
			map[string]string{"customer": c.ID, "card": m.Card.Brand + " " + m.Card.Last4}))
	})
	return out, err
}

func clampLimit(n int) int {
	if n <= 0 {
		return 10
	}
	return min(n, 100)
}

// statusGone is HTTP's 410, the stored answer's status (the engine keeps
// answers as status and body but imports no HTTP).
const statusGone = 410

// erasedAnswer is what a retry of an erased customer's creation or update
// gets (RFC 9457, as the API's problems).
func erasedAnswer(customerID string) []byte {
	b, _ := json.Marshal(map[string]any{"type": "https://paygate.dev/problems/customer_deleted", "title": "Gone", "status": statusGone,
		"detail": "customer " + customerID + " was deleted; its details are erased", "code": "customer_deleted"})
	return b
}
