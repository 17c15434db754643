package ottu

import (
	"context"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// paymentMethodView is one entry of a session's payment_methods.
type paymentMethodView struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currency_code"`
	Fee          string `json:"fee"`
	Flow         string `json:"flow"`
	RedirectURL  string `json:"redirect_url"`
}

// stamp is Ottu's timestamp_utc format.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// amounts are a payment's running totals in Ottu's decimal strings.
func amounts(p *payment.Payment, cur money.Currency) map[string]string {
	f := func(v int64) string { return money.Format(v, cur) }
	out := map[string]string{"paid_amount": f(0), "settled_amount": f(0), "refunded_amount": f(0), "voided_amount": f(0), "remaining_amount": f(0)}
	if p == nil {
		return out
	}
	out["paid_amount"] = f(max(p.Captured, p.Authorized))
	out["settled_amount"] = f(p.Captured)
	out["refunded_amount"] = f(p.Refunded)
	if p.Status == payment.Voided {
		out["voided_amount"] = f(p.Authorized)
	}
	switch p.Status {
	case payment.Authorized:
		out["remaining_amount"] = f(p.Authorized - p.Captured)
	case payment.Captured, payment.PartiallyRefunded:
		out["remaining_amount"] = f(max(p.Refundable(), 0))
	}
	return out
}

// view is a session as the Checkout API answers it.
func (s *Server) view(ctx context.Context, a engine.Actor, sess *checkout.Session, p *payment.Payment, ops []*payment.Operation) map[string]any {
	md := sess.Metadata
	amt := money.Format(sess.Amount, sess.Currency)
	codes := strings.Fields(md[mdPGCodes])
	operation := "purchase"
	if sess.CaptureMethod == payment.CaptureManual {
		operation = "authorize"
	}
	v := map[string]any{
		"session_id": sess.ID, "type": md[mdType], "amount": amt, "currency_code": sess.Currency.Code, "pg_codes": nonNil(codes),
		"payment_type": md[mdPaymentType], "customer_id": md[mdCustomerID], "order_no": sess.Reference,
		"webhook_url": sess.NotificationURL, "redirect_url": md[mdRedirect], "language": sess.Locale,
		"checkout_url": md[mdCheckoutURL], "state": State(sess, p), "operation": operation,
		"expiration_time": FormatExpiration(sess.ExpiresAt.Sub(sess.CreatedAt)), "timestamp_utc": stamp(s.now()),
	}
	for _, f := range customerFields {
		v[f] = md[mdCustomer+f]
	}
	if id := md[mdAgreement]; id != "" {
		v["agreement"] = map[string]string{"id": id}
	}
	if md[mdQR] == "true" {
		// The code's URL carries the checkout token as checkout_url does; it
		// is derived from it, not stored (nothing more to keep out of the
		// payment's metadata).
		_, token, _ := strings.Cut(md[mdCheckoutURL], "/checkout/")
		v["generate_qr_code"], v["qr_code_url"] = true, s.e.CheckoutQRURL(token)
	}
	// Each method is named as the Payment Methods API names it (the
	// configuration's name in the session's language); a code whose
	// configuration is gone keeps its code.
	names := map[string]string{}
	if cfgs, err := s.e.ConfigsInMode(ctx, a); err == nil {
		for _, c := range cfgs {
			names[c.Code] = c.NameEN
			if sess.Locale == "ar" && c.NameAR != "" {
				names[c.Code] = c.NameAR
			}
		}
	}
	pms := []paymentMethodView{}
	for _, c := range codes {
		name := names[c]
		if name == "" {
			name = c
		}
		pms = append(pms, paymentMethodView{Code: c, Name: name, Type: "sandbox", Amount: amt, CurrencyCode: sess.Currency.Code, Fee: money.Format(0, sess.Currency),
			Flow: "redirect", RedirectURL: md[mdCheckoutURL]})
	}
	if a.Mode == payment.Live {
		for i := range pms {
			pms[i].Type = "production"
		}
	}
	v["payment_methods"] = pms
	for k, val := range amounts(p, sess.Currency) {
		v[k] = val
	}
	if p != nil {
		v["reference_number"] = p.ID
		v["settled_pg_code"] = p.Config
		v["gateway_name"] = p.Connector
	}
	if ops != nil {
		v["transactions"] = transactions(ops, sess.Currency)
	}
	return v
}

// transactions are a payment's child operations (captures, refunds, voids).
func transactions(ops []*payment.Operation, cur money.Currency) []map[string]string {
	out := []map[string]string{}
	for _, op := range ops {
		if op.Kind == payment.OpAuthorize || op.Kind == payment.OpSale {
			continue
		}
		out = append(out, map[string]string{"reference_number": op.ID, "operation": string(op.Kind), "amount": money.Format(op.Amount, cur),
			"state": childState(op), "timestamp_utc": stamp(op.CreatedAt)})
	}
	return out
}

// childState is a child transaction's state (reference §3.5).
func childState(op *payment.Operation) string {
	switch op.Kind {
	case payment.OpRefund:
		switch op.Status {
		case payment.OpPending:
			return StateRefundQueued
		case payment.OpFailed:
			return StateRefundRejected
		}
		return StateRefunded
	case payment.OpVoid:
		return StateVoided
	}
	if op.Status == payment.OpFailed {
		return StateFailed
	}
	return StatePaid
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
