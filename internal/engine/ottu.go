package engine

import (
	"context"
	"maps"
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// This file holds what vendor front doors (Ottu's Checkout API first) need
// of checkout sessions beyond the native API: checking payment-method
// configuration codes up front, and changing or closing an unpaid session.

// CheckConfigs checks that each payment-method configuration code is
// enabled, usable by the actor (a person needs use:<code>), accepts the
// currency and has its connector available.
func (e *Engine) CheckConfigs(ctx context.Context, a Actor, codes []string, currency string) error {
	for _, c := range codes {
		if _, err := e.paymentConfig(ctx, a, c, currency); err != nil {
			return err
		}
	}
	return nil
}

// CheckoutChange changes an unpaid session; nil fields stay as they are.
// Metadata is merged (an empty value removes the key).
type CheckoutChange struct {
	Amount      *int64
	Currency    *string
	Customer    *string
	SaveCard    *bool
	Description *string
	Reference   *string
	SuccessURL  *string
	CancelURL   *string
	ExpiresIn   *time.Duration
	Metadata    map[string]string
	// Configs replaces the payment-method configurations (pg_codes) the
	// session pays through: one decides, several leave the choice to
	// routing among those only, none lets routing choose freely. Nil keeps
	// them; either way they are checked against the session's currency.
	Configs *[]string
	// Close expires the session (Ottu's cancel, expire and delete).
	Close bool
	// PaymentID records a payment made for the session outside the hosted
	// page (Ottu's auto-debit); a succeeded one completes the session.
	PaymentID string
}

// ChangeCheckoutSession changes an open session no payment has been
// attempted for (only Close is allowed once an attempt failed or the
// session expired, and nothing once a payment succeeded or is in progress).
func (e *Engine) ChangeCheckoutSession(ctx context.Context, a Actor, id string, ch CheckoutChange) (*checkout.Session, error) {
	var out *checkout.Session
	err := e.store.Update(ctx, func(tx Tx) error {
		s, err := tx.GetCheckoutSessionForUpdate(ctx, a.MerchantID, a.Mode, id)
		if err != nil {
			return err
		}
		e.withExpiry(s)
		if s.Status != checkout.Open && !(ch.Close && s.Status == checkout.Expired) {
			return fault.New(fault.Conflict, "checkout_session_"+string(s.Status), "this checkout session is %s", s.Status)
		}
		if s.PaymentID != "" {
			p, err := tx.GetPaymentForUpdate(ctx, a.MerchantID, a.Mode, s.PaymentID)
			if err != nil {
				return err
			}
			if ch.PaymentID != "" || !ch.Close || (p.Status != payment.Failed && p.Status != payment.Expired) {
				return fault.New(fault.Conflict, "checkout_payment_attempted", "a payment has been attempted for this checkout session")
			}
		}
		if err := e.applyCheckoutChange(ctx, a, s, ch); err != nil {
			return err
		}
		if ch.PaymentID != "" {
			p, err := tx.GetPaymentForUpdate(ctx, a.MerchantID, a.Mode, ch.PaymentID)
			if err != nil {
				return err
			}
			s.PaymentID = p.ID
			if p.Status == payment.Authorized || p.Status == payment.Captured {
				s.Status = checkout.Complete
			}
		}
		s.UpdatedAt = e.now()
		out = s
		if err := tx.UpdateCheckoutSessionDetails(ctx, s); err != nil {
			return err
		}
		return e.sessionCompleted(ctx, tx, s)
	})
	return out, err
}

func (e *Engine) applyCheckoutChange(ctx context.Context, a Actor, s *checkout.Session, ch CheckoutChange) error {
	if ch.Currency != nil {
		c, err := money.Lookup(*ch.Currency)
		if err != nil {
			return fault.InvalidParam("currency", "currency_invalid", "unknown currency %q", *ch.Currency)
		}
		s.Currency = c
	}
	if ch.Amount != nil {
		if err := validAmount("amount", *ch.Amount); err != nil {
			return err
		}
		s.Amount = *ch.Amount
	}
	if ch.Configs != nil || ch.Currency != nil {
		in := CheckoutInput{Config: s.Config, AllowedConfigs: s.AllowedConfigs}
		if ch.Configs != nil {
			in = CheckoutInput{}
			if len(*ch.Configs) == 1 {
				in.Config = (*ch.Configs)[0]
			} else {
				in.AllowedConfigs = *ch.Configs
			}
		}
		s.Config, s.AllowedConfigs = in.Config, nil
		if in.Config != "" {
			if _, err := e.paymentConfig(ctx, a, in.Config, s.Currency.Code); err != nil {
				return err
			}
		}
		if err := e.allowConfigs(ctx, a, s, in); err != nil {
			return err
		}
		if s.Config == "" && len(s.AllowedConfigs) == 0 {
			// Routed among all: as at creation, some configuration must
			// take the currency, or the payer gets a page that cannot pay.
			if err := e.someConfigAccepts(ctx, a, s.Currency.Code, nil); err != nil {
				return err
			}
		}
	}
	if ch.Customer != nil {
		s.CustomerID = ""
		if *ch.Customer != "" {
			c, err := e.findCustomer(ctx, a, *ch.Customer)
			if fault.IsNotFound(err) {
				return fault.InvalidParam("customer", "resource_missing", "no such customer: %q", *ch.Customer)
			}
			if err != nil {
				return err
			}
			s.CustomerID = c.ID
		}
	}
	if ch.SaveCard != nil {
		s.SaveCard = *ch.SaveCard
	}
	for _, t := range []struct {
		param string
		v     *string
		dst   *string
		max   int
	}{{"description", ch.Description, &s.Description, 1000}, {"reference", ch.Reference, &s.Reference, 255}} {
		if t.v == nil {
			continue
		}
		if err := validText(t.param, *t.v, t.max); err != nil {
			return err
		}
		*t.dst = *t.v
	}
	for _, u := range []struct {
		param string
		v     *string
		dst   *string
	}{{"success_url", ch.SuccessURL, &s.SuccessURL}, {"cancel_url", ch.CancelURL, &s.CancelURL}} {
		if u.v == nil {
			continue
		}
		if *u.v != "" {
			if err := validURL(u.param, *u.v); err != nil {
				return err
			}
		}
		*u.dst = *u.v
	}
	if ch.ExpiresIn != nil {
		if *ch.ExpiresIn < MinCheckoutTTL || *ch.ExpiresIn > MaxCheckoutTTL {
			return fault.InvalidParam("expires_in", "parameter_invalid", "expires_in must be between %d and %d seconds", int(MinCheckoutTTL.Seconds()), int(MaxCheckoutTTL.Seconds()))
		}
		s.ExpiresAt = e.now().Add(*ch.ExpiresIn)
	}
	if ch.Metadata != nil {
		md := maps.Clone(s.Metadata)
		if md == nil {
			md = map[string]string{}
		}
		for k, v := range ch.Metadata {
			if v == "" {
				delete(md, k)
			} else {
				md[k] = v
			}
		}
		if err := validMetadata(md); err != nil {
			return err
		}
		s.Metadata = md
	}
	if ch.Close {
		s.Status = checkout.Expired
		if s.ExpiresAt.After(e.now()) {
			s.ExpiresAt = e.now()
		}
	}
	return nil
}
