package engine

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/customer"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/recurring"
	"github.com/paygate/paygate/internal/vault"
)

// cardSource is where a payment's card comes from, resolved before any
// transaction: the clear card for the processor (memory only), the vault
// record charged, and the record to save for a vault payment.
type cardSource struct {
	number string
	brand  card.Brand
	card   CardInput
	// token is the single-use record consumed by this payment.
	token *vault.PaymentMethod
	// saved is the customer's saved card charged by this payment.
	saved *vault.PaymentMethod
	// save is a new record for the customer's vault (a vault payment).
	save        *vault.PaymentMethod
	fingerprint string
	// cvcBack puts a token's CVC back if the payment never reaches the processor.
	cvcBack func()
	// initial: this payment stores a recurring mandate for customerID;
	// mandate: the mandate a repeated payment is charged on.
	initial    bool
	customerID string
	mandate    *recurring.Mandate
}

// resolveSource finds and checks the card of a payment. A token already
// used is not refused here: the transaction decides, after the idempotency
// check, so that a retry of the request that used it still replays.
func (e *Engine) resolveSource(ctx context.Context, a Actor, in *CreatePaymentInput, now time.Time) (*cardSource, error) {
	src := &cardSource{}
	if in.Recurring == "repeated" {
		m, err := e.store.GetMandate(ctx, a.MerchantID, a.Mode, in.MandateID)
		if fault.IsNotFound(err) {
			return nil, fault.InvalidParam("recurring.mandate", "resource_missing", "no such mandate: %q", in.MandateID)
		}
		if err != nil {
			return nil, err
		}
		if m.Status != recurring.MandateActive {
			return nil, fault.New(fault.Conflict, "mandate_inactive", "mandate %s is %s and cannot be charged", m.ID, m.Status)
		}
		src.mandate, in.PaymentMethodID = m, m.PaymentMethodID
		if err := e.mandateCustomer(ctx, a, in, m); err != nil {
			return nil, err
		}
	}
	if in.Recurring == "initial" {
		in.DoNotSave = false
	}
	switch {
	case in.Card != nil:
		c := *in.Card
		if err := e.decryptCard(ctx, a, &c, now); err != nil {
			return nil, err
		}
		number, brand, err := validCard(&c, now)
		if err != nil {
			return nil, err
		}
		src.number, src.brand, src.card = number, brand, c
	case in.Token != "":
		if err := e.tokenSource(ctx, a, in, src, now); err != nil {
			return nil, err
		}
	default:
		if err := e.savedSource(ctx, a, in, src, now); err != nil {
			return nil, err
		}
	}
	if src.number != "" {
		src.fingerprint = e.fingerprint(ctx, src.number)
	}
	if in.Recurring == "initial" {
		cust, err := e.findCustomer(ctx, a, in.Customer)
		if fault.IsNotFound(err) {
			return nil, fault.InvalidParam("customer", "resource_missing", "an initial recurring payment needs an existing customer; no such customer: %q", in.Customer)
		}
		if err != nil {
			return nil, err
		}
		if src.saved != nil && src.saved.CustomerID != cust.ID {
			return nil, fault.InvalidParam("customer", "payment_method_customer_mismatch", "payment method %s does not belong to customer %s", src.saved.ID, in.Customer)
		}
		src.initial, src.customerID = true, cust.ID
	}
	if in.Customer != "" && !in.DoNotSave && src.saved == nil && src.number != "" {
		cust, err := e.findCustomer(ctx, a, in.Customer)
		if err != nil && !fault.IsNotFound(err) {
			return nil, err
		}
		if cust != nil {
			m := &vault.PaymentMethod{ID: id.New("pm"), MerchantID: a.MerchantID, Mode: a.Mode, Usage: vault.Reusable,
				Status: vault.MethodInactive, CustomerID: cust.ID, Card: cardView(src, src.fingerprint),
				CreatedAt: now, UpdatedAt: now}
			if err := e.sealCard(ctx, m, src.number); err != nil {
				return nil, err
			}
			src.save = m
		}
	}
	return src, nil
}

func cardView(src *cardSource, fp string) payment.Card {
	return payment.Card{Brand: string(src.brand), First6: card.First6(src.number), Last4: card.Last4(src.number),
		ExpMonth: src.card.ExpMonth, ExpYear: normalizeYear(src.card.ExpYear), Holder: src.card.Holder, Fingerprint: fp}
}

func (e *Engine) tokenSource(ctx context.Context, a Actor, in *CreatePaymentInput, src *cardSource, now time.Time) error {
	const param = "payment_method.token"
	if !strings.HasPrefix(in.Token, "tok_") {
		return fault.InvalidParam(param, "token_invalid", "payment_method.token must be a token (tok_…) from hosted fields or checkout")
	}
	m, err := e.store.GetPaymentMethod(ctx, a.MerchantID, a.Mode, in.Token)
	if err != nil {
		return err
	}
	if m.Usage != vault.SingleUse {
		return fault.InvalidParam(param, "token_invalid", "%s is not a single-use token", in.Token)
	}
	if !tokenKeyMatches(m.KeyHash, in.TokenKey) {
		return fault.InvalidParam("payment_method.key", "token_key_invalid", "payment_method.key does not belong to this token")
	}
	src.token = m
	if m.Status != vault.MethodActive {
		return nil // used: the transaction answers token_used, or replays
	}
	if m.ExpiresAt != nil && !now.Before(*m.ExpiresAt) {
		return fault.New(fault.Conflict, "token_expired", "token %s has expired; collect the card again", m.ID)
	}
	cvc, ok := e.cvcs.take(m.ID)
	if !ok {
		return fault.New(fault.Conflict, "token_cvc_unavailable",
			"the security code of token %s is no longer held (it is kept in memory only, by the instance that made the token, until it expires); collect the card again", m.ID)
	}
	src.cvcBack = func() { e.cvcs.restore(m.ID, cvc, *m.ExpiresAt) }
	number, err := e.openCard(ctx, m)
	if err != nil {
		src.cvcBack()
		return err
	}
	src.number, src.brand = number, card.Brand(m.Card.Brand)
	src.card = CardInput{ExpMonth: m.Card.ExpMonth, ExpYear: m.Card.ExpYear, CVC: cvc, Holder: m.Card.Holder}
	if err := card.ValidateExpiry(m.Card.ExpMonth, m.Card.ExpYear, now); err != nil {
		src.cvcBack()
		return fault.InvalidParam(param, "expired_card", "the card behind the token has expired")
	}
	return nil
}

func tokenKeyMatches(hash, key string) bool {
	sum := sha256.Sum256([]byte(key))
	return subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(hash)) == 1 && key != ""
}

func (e *Engine) savedSource(ctx context.Context, a Actor, in *CreatePaymentInput, src *cardSource, now time.Time) error {
	const param = "payment_method.id"
	m, err := e.store.GetPaymentMethod(ctx, a.MerchantID, a.Mode, in.PaymentMethodID)
	if err != nil {
		return err
	}
	if m.Usage != vault.Reusable || m.Status != vault.MethodActive {
		return fault.New(fault.Conflict, "payment_method_unusable", "payment method %s is %s and cannot be charged", m.ID, m.Status)
	}
	if in.Customer != "" {
		cust, err := e.findCustomer(ctx, a, in.Customer)
		if err != nil && !fault.IsNotFound(err) {
			return err
		}
		if cust == nil || cust.ID != m.CustomerID {
			return fault.InvalidParam("customer", "payment_method_customer_mismatch", "payment method %s does not belong to customer %s", m.ID, in.Customer)
		}
	}
	if in.CVC != "" {
		if in.Initiator == payment.MerchantInitiated {
			return fault.InvalidParam("payment_method.cvc", "parameter_invalid", "a merchant-initiated payment has no payer to give a security code")
		}
		if err := card.ValidateCVC(in.CVC, card.Brand(m.Card.Brand)); err != nil {
			return fault.InvalidParam("payment_method.cvc", "invalid_cvc", "cvc must be 3 digits (4 for American Express)")
		}
	}
	if err := card.ValidateExpiry(m.Card.ExpMonth, m.Card.ExpYear, now); err != nil {
		return fault.InvalidParam(param, "expired_card", "the saved card has expired")
	}
	number, err := e.openCard(ctx, m)
	if err != nil {
		return err
	}
	src.saved, src.number, src.brand = m, number, card.Brand(m.Card.Brand)
	src.card = CardInput{ExpMonth: m.Card.ExpMonth, ExpYear: m.Card.ExpYear, CVC: in.CVC, Holder: m.Card.Holder}
	return nil
}

// findCustomer resolves a customer id (cus_…) or the merchant's own
// reference (which can never start with cus_), in one query: every payment
// that names a customer asks, guest payments included.
// mandateCustomer makes a repeated payment name the mandate's customer as
// the merchant knows them (their reference, else their id), whatever way
// the request names them (reference, cus_… id, or not at all), so all of
// a customer's charges list under one name. A request naming another
// stored customer is refused; a name no customer has is replaced.
func (e *Engine) mandateCustomer(ctx context.Context, a Actor, in *CreatePaymentInput, m *recurring.Mandate) error {
	if in.Customer != "" {
		c, err := e.findCustomer(ctx, a, in.Customer)
		if err != nil && !fault.IsNotFound(err) {
			return err
		}
		if c != nil && c.ID != m.CustomerID {
			return fault.InvalidParam("customer", "mandate_customer_mismatch", "mandate %s belongs to another customer than %q", m.ID, in.Customer)
		}
	}
	c, err := e.store.GetCustomer(ctx, a.MerchantID, a.Mode, m.CustomerID)
	if err != nil {
		return err
	}
	in.Customer = c.ID
	if c.Reference != "" {
		in.Customer = c.Reference
	}
	return nil
}

func (e *Engine) findCustomer(ctx context.Context, a Actor, ref string) (*customer.Customer, error) {
	if strings.HasPrefix(ref, "cus_") {
		return e.store.GetCustomer(ctx, a.MerchantID, a.Mode, ref)
	}
	return e.store.FindCustomerByReference(ctx, a.MerchantID, a.Mode, ref)
}

// consume runs in the payment's first transaction, after the idempotency
// check: it uses up a single-use token (a second payment with it answers
// token_used) and erases its card number, which the saved record, if any,
// keeps on its own.
func (src *cardSource) consume(ctx context.Context, tx Tx, now time.Time) error {
	if src.token == nil {
		return nil
	}
	m, err := tx.GetPaymentMethodForUpdate(ctx, src.token.MerchantID, src.token.Mode, src.token.ID)
	if err != nil {
		return err
	}
	if m.Status != vault.MethodActive || src.number == "" {
		return fault.New(fault.Conflict, "token_used", "token %s has already been used; tokens are single-use", m.ID)
	}
	m.Status, m.UsedAt, m.UpdatedAt, m.Sealed = vault.MethodUsed, &now, now, nil
	return tx.UpdatePaymentMethod(ctx, m)
}

// keep saves a vault payment's card to its customer once the outcome is
// known or while it is still open: nothing for a failed payment, and the
// existing record when the customer already has this card.
func (src *cardSource) keep(ctx context.Context, tx Tx, p *payment.Payment) error {
	if src.save == nil || p.Status == payment.Failed {
		return nil
	}
	// The customer was looked up before the transaction; one erased since
	// gets no card (and so no mandate).
	if live, err := tx.LockLiveCustomer(ctx, p.MerchantID, p.Mode, src.save.CustomerID); err != nil || !live {
		return err
	}
	if src.save.Card.Fingerprint != "" {
		existing, err := tx.FindCustomerCard(ctx, p.MerchantID, p.Mode, src.save.CustomerID, src.save.Card.Fingerprint)
		if err == nil {
			p.PaymentMethod = existing.ID
			return nil
		}
		if !fault.IsNotFound(err) {
			return err
		}
	}
	m := *src.save
	if p.Status == payment.Authorized || p.Status == payment.Captured {
		m.Status = vault.MethodActive
	}
	p.PaymentMethod = m.ID
	return tx.InsertPaymentMethod(ctx, &m)
}

// keepMandate stores the mandate of an initial recurring payment with the
// card it was made on: active once the payment succeeded, inactive while it
// is open, none for a failure.
func (src *cardSource) keepMandate(ctx context.Context, tx Tx, p *payment.Payment, now time.Time) error {
	if !src.initial || p.Status == payment.Failed || p.PaymentMethod == "" {
		return nil
	}
	if live, err := tx.LockLiveCustomer(ctx, p.MerchantID, p.Mode, src.customerID); err != nil || !live {
		return err
	}
	m := &recurring.Mandate{ID: id.New("mdt"), MerchantID: p.MerchantID, Mode: p.Mode, CustomerID: src.customerID,
		PaymentMethodID: p.PaymentMethod, InitialPaymentID: p.ID, Status: recurring.MandateInactive, CreatedAt: now, UpdatedAt: now}
	if p.Status == payment.Authorized || p.Status == payment.Captured {
		m.Status = recurring.MandateActive
	}
	p.Mandate = m.ID
	return tx.InsertMandate(ctx, m)
}

// settleMandate activates an initial payment's mandate when the payment
// succeeds later (3-D Secure, pending), or revokes it when it fails.
func (e *Engine) settleMandate(ctx context.Context, tx Tx, p *payment.Payment) error {
	if p.Mandate == "" {
		return nil
	}
	approved := p.Status == payment.Authorized || p.Status == payment.Captured
	if !approved && p.Status != payment.Failed && p.Status != payment.Expired {
		return nil
	}
	m, err := tx.GetMandateForUpdate(ctx, p.MerchantID, p.Mode, p.Mandate)
	if err != nil || m.Status != recurring.MandateInactive || m.InitialPaymentID != p.ID {
		return err
	}
	m.Status, m.UpdatedAt = recurring.MandateRevoked, e.now()
	if approved {
		m.Status = recurring.MandateActive
	}
	return tx.UpdateMandate(ctx, m)
}

// settleSavedCard activates a card saved during a payment once the payment
// succeeds, or erases it if the payment fails. Cards that were already
// active (charged, or found by fingerprint) are left alone.
func (e *Engine) settleSavedCard(ctx context.Context, tx Tx, p *payment.Payment) error {
	if !strings.HasPrefix(p.PaymentMethod, "pm_") {
		return nil
	}
	approved := p.Status == payment.Authorized || p.Status == payment.Captured
	if !approved && p.Status != payment.Failed && p.Status != payment.Expired {
		return nil
	}
	m, err := tx.GetPaymentMethodForUpdate(ctx, p.MerchantID, p.Mode, p.PaymentMethod)
	if err != nil || m.Status != vault.MethodInactive {
		return err
	}
	m.UpdatedAt = e.now()
	if approved {
		m.Status = vault.MethodActive
	} else {
		m.Status, m.Sealed = vault.MethodDeleted, nil
	}
	return tx.UpdatePaymentMethod(ctx, m)
}
