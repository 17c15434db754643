package dashboard

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

type action string

const (
	actCapture action = "capture"
	actVoid    action = "void"
	actRefund  action = "refund"
)

type confirmView struct {
	view
	P              *payment.Payment
	Action         string
	Amount, Reason string // as typed (decimal)
	AmountText     string // formatted with the currency
	Released       string // what a partial capture lets go of, formatted
	Key            string // idempotency key of this confirmation
}

// paymentAction is the two-step form of a capture, void or refund: the
// detail page's form posts step=review and gets a confirmation page; that
// page posts step=confirm with an idempotency key made for it, so a double
// click or a reload sends the operation once. The route's permission is
// checked (by signed) on both steps, so a forged post without it is refused.
func (s *Server) paymentAction(act action) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, q *request) {
		ctx := r.Context()
		p, _, err := s.eng.GetPayment(ctx, q.actor, r.PathValue("id"))
		if err != nil {
			s.fail(w, r, q, err)
			return
		}
		form := r.PostForm
		amountText, reason := strings.TrimSpace(form.Get("amount")), strings.TrimSpace(form.Get("reason"))
		var amount *int64
		if act != actVoid && amountText != "" {
			n, err := money.Parse(amountText, p.Currency)
			if err != nil || n <= 0 {
				s.paymentPage(w, r, q, p.ID, http.StatusBadRequest, fmt.Sprintf("%q is not an amount of %s: write it like %s.", amountText, p.Currency.Code, money.Format(p.Amount, p.Currency)))
				return
			}
			amount = &n
		}
		// Amounts beyond what the payment allows are refused on its page
		// before any confirmation (the engine checks again when it acts).
		if amount != nil {
			limit, what := p.Authorized, "authorized"
			if act == actRefund {
				limit, what = max(p.Refundable(), 0), "left to refund"
			}
			if *amount > limit {
				s.paymentPage(w, r, q, p.ID, http.StatusBadRequest, fmt.Sprintf("%s is more than the %s %s.",
					formatMoney(*amount, p.Currency.Code), formatMoney(limit, p.Currency.Code), what))
				return
			}
		}
		if n := utf8.RuneCountInString(reason); act == actRefund && n > maxRefundReason {
			// Refused before the confirmation, as the engine would after it.
			s.paymentPage(w, r, q, p.ID, http.StatusBadRequest, fmt.Sprintf("The reason is %d characters long; keep it to %d.", n, maxRefundReason))
			return
		}
		if form.Get("step") != "confirm" {
			v := &confirmView{view: view{Title: "Confirm " + string(act), Nav: "payments"}, P: p, Action: string(act),
				Amount: amountText, Reason: reason, Key: "dash_" + randomKey()}
			switch {
			case act == actVoid:
				v.AmountText = formatMoney(p.Authorized, p.Currency.Code)
			case amount != nil && act == actCapture && *amount < p.Authorized:
				v.AmountText = formatMoney(*amount, p.Currency.Code)
				v.Released = formatMoney(p.Authorized-*amount, p.Currency.Code)
			case amount != nil:
				v.AmountText = formatMoney(*amount, p.Currency.Code)
			case act == actRefund:
				v.AmountText = formatMoney(p.Refundable(), p.Currency.Code) + " (all that remains)"
			default:
				v.AmountText = formatMoney(p.Authorized, p.Currency.Code) + " (all that was authorized)"
			}
			s.renderFor(w, r, q, http.StatusOK, "confirm", v)
			return
		}
		key := form.Get("key")
		if !strings.HasPrefix(key, "dash_") || len(key) > 64 {
			s.fail(w, r, q, fault.InvalidParam("key", "parameter_invalid", "the confirmation is malformed; start again from the payment"))
			return
		}
		idem := &engine.Idempotency{Key: key, Fingerprint: string(act) + "|" + p.ID + "|" + amountText + "|" + reason,
			Render: func(engine.Result, error) (int, []byte) { return http.StatusOK, []byte(`{"dashboard":true}`) }}
		var replay *engine.Replay
		switch act {
		case actCapture:
			_, replay, err = s.eng.Capture(ctx, q.actor, p.ID, amount, idem)
		case actVoid:
			_, replay, err = s.eng.Void(ctx, q.actor, p.ID, idem)
		case actRefund:
			_, _, replay, err = s.eng.Refund(ctx, q.actor, p.ID, engine.RefundInput{Amount: amount, Reason: reason}, idem)
		}
		if k := fault.KindOf(err); k == fault.Invalid || k == fault.Conflict {
			// Refused (the payment changed since the review): say why on its page.
			msg := fault.As(err).Message
			if fault.As(err).Code == "amount_too_large" && amount != nil && act == actRefund {
				if cur, _, gerr := s.eng.GetPayment(ctx, q.actor, p.ID); gerr == nil {
					msg = fmt.Sprintf("%s is more than what the payment allows now (%s left to refund).", formatMoney(*amount, p.Currency.Code), formatMoney(max(cur.Refundable(), 0), p.Currency.Code))
				}
			}
			s.paymentPage(w, r, q, p.ID, map[fault.Kind]int{fault.Invalid: http.StatusBadRequest, fault.Conflict: http.StatusConflict}[k], msg)
			return
		}
		if err != nil && fault.KindOf(err) != fault.Declined {
			s.fail(w, r, q, err)
			return
		}
		done := string(act)
		if replay != nil {
			done = "replay"
		}
		http.Redirect(w, r, "/dashboard/payments/"+url.PathEscape(p.ID)+"?done="+done, http.StatusSeeOther)
	}
}

func randomKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// maxRefundReason is the engine's limit on a refund's reason (characters).
const maxRefundReason = 500
