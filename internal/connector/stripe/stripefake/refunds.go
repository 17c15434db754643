package stripefake

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

func (f *Fake) createRefund(form url.Values) (int, []byte) {
	id := form.Get("payment_intent")
	if id == "" {
		return missing("payment_intent")
	}
	pi := f.intents[id]
	if pi == nil {
		return noSuchIntent(id)
	}
	if pi.Status != "succeeded" {
		return errorBody(http.StatusBadRequest, apiError{Type: "invalid_request_error", Code: "charge_not_captured",
			Message: fmt.Sprintf("This PaymentIntent (%s) does not have a successful charge to refund.", id)})
	}
	left := pi.AmountReceived - pi.refunded
	if left == 0 {
		return errorBody(http.StatusBadRequest, apiError{Type: "invalid_request_error", Code: "charge_already_refunded",
			Message: "Charge for this PaymentIntent has already been refunded."})
	}
	amount := left
	if form.Has("amount") {
		n, ok := positive(form, "amount")
		if !ok {
			return missing("amount")
		}
		amount = n
	}
	if amount > left {
		return errorBody(http.StatusBadRequest, apiError{Type: "invalid_request_error", Code: "amount_too_large", Param: "amount",
			Message: fmt.Sprintf("Refund amount (%d) is greater than unrefunded amount on charge (%d)", amount, left)})
	}
	re := &refund{ID: f.newID("re"), Object: "refund", Amount: amount, Currency: pi.Currency, PaymentIntent: id,
		Status: "succeeded", Metadata: metadata(form), Created: time.Now().Unix()}
	if r := form.Get("reason"); r != "" {
		re.Reason = &r
	}
	pi.refunded += amount
	f.refunds = append(f.refunds, re)
	return jsonBody(http.StatusOK, re)
}

// listRefunds lists newest first, filtered by payment_intent, paged by limit
// and starting_after as Stripe does.
func (f *Fake) listRefunds(q url.Values) (int, []byte) {
	limit := 10
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n >= 1 && n <= 100 {
		limit = n
	}
	after := q.Get("starting_after")
	data := []*refund{}
	skipping := after != ""
	more := false
	for i := len(f.refunds) - 1; i >= 0; i-- {
		re := f.refunds[i]
		if pi := q.Get("payment_intent"); pi != "" && re.PaymentIntent != pi {
			continue
		}
		if skipping {
			skipping = re.ID != after
			continue
		}
		if len(data) == limit {
			more = true
			break
		}
		data = append(data, re)
	}
	return jsonBody(http.StatusOK, map[string]any{"object": "list", "url": "/v1/refunds", "has_more": more, "data": data})
}
