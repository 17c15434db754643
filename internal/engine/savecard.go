package engine

import (
	"context"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// SaveCard keeps a card for a customer without a payment (stand-alone
// tokenization, as Paymentz registrations do). The card is checked
// (Luhn, expiry, CVC form) but not verified with the issuer: its first
// payment is. The CVC is not kept. Saving the same card twice answers the
// card saved first.
func (e *Engine) SaveCard(ctx context.Context, a Actor, customerRef string, in CardInput) (*vault.PaymentMethod, error) {
	now := e.now()
	if err := e.decryptCard(ctx, a, &in, now); err != nil {
		return nil, err
	}
	number, brand, err := validCard(&in, now)
	if err != nil {
		return nil, err
	}
	cust, err := e.findCustomer(ctx, a, customerRef)
	if fault.IsNotFound(err) {
		return nil, fault.InvalidParam("customer", "resource_missing", "no such customer: %q", customerRef)
	}
	if err != nil {
		return nil, err
	}
	m := &vault.PaymentMethod{ID: id.New("pm"), MerchantID: a.MerchantID, Mode: a.Mode, Usage: vault.Reusable,
		Status: vault.MethodActive, CustomerID: cust.ID, CreatedAt: now, UpdatedAt: now,
		Card: payment.Card{Brand: string(brand), First6: card.First6(number), Last4: card.Last4(number),
			ExpMonth: in.ExpMonth, ExpYear: normalizeYear(in.ExpYear), Holder: in.Holder, Fingerprint: e.fingerprint(ctx, number)}}
	if err := e.sealCard(ctx, m, number); err != nil {
		return nil, err
	}
	var out *vault.PaymentMethod
	err = e.store.Update(ctx, func(tx Tx) error {
		if live, err := tx.LockLiveCustomer(ctx, a.MerchantID, a.Mode, cust.ID); err != nil || !live {
			if err == nil {
				err = fault.InvalidParam("customer", "resource_missing", "no such customer: %q", customerRef)
			}
			return err
		}
		if m.Card.Fingerprint != "" {
			existing, err := tx.FindCustomerCard(ctx, a.MerchantID, a.Mode, cust.ID, m.Card.Fingerprint)
			if err == nil {
				out = existing
				return nil
			}
			if !fault.IsNotFound(err) {
				return err
			}
		}
		out = m
		return tx.InsertPaymentMethod(ctx, m)
	})
	return out, err
}
