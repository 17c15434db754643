package stripefake

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func missing(param string) (int, []byte) {
	return errorBody(http.StatusBadRequest, apiError{Type: "invalid_request_error", Code: "parameter_missing", Param: param,
		Message: "Missing required param: " + param + "."})
}

func positive(form url.Values, param string) (int64, bool) {
	n, err := strconv.ParseInt(form.Get(param), 10, 64)
	return n, err == nil && n > 0
}

// createIntent creates and (with confirm=true) confirms a PaymentIntent.
func (f *Fake) createIntent(form url.Values) (int, []byte) {
	amount, ok := positive(form, "amount")
	if !ok {
		return missing("amount")
	}
	cur := form.Get("currency")
	if len(cur) != 3 || strings.ToLower(cur) != cur {
		return missing("currency")
	}
	pi := &intent{ID: f.newID("pi"), Object: "payment_intent", Amount: amount, Currency: cur, Metadata: metadata(form),
		CaptureMethod: "automatic", Status: "requires_payment_method", Created: time.Now().Unix()}
	if m := form.Get("capture_method"); m != "" {
		pi.CaptureMethod = m
	}
	if d := form.Get("description"); d != "" {
		pi.Description = &d
	}
	number, pm := "", form.Get("payment_method")
	switch {
	case pm != "":
		number = paymentMethods[pm]
		if number == "" {
			return errorBody(http.StatusBadRequest, apiError{Type: "invalid_request_error", Code: "resource_missing", Param: "payment_method",
				Message: fmt.Sprintf("No such PaymentMethod: '%s'", pm)})
		}
	case form.Get("payment_method_data[type]") == "card":
		number = form.Get("payment_method_data[card][number]")
		pm = f.newID("pm")
		if number == "" {
			return missing("payment_method_data[card][number]")
		}
	}
	if pm != "" {
		pi.PaymentMethod = &pm
	}
	f.intents[pi.ID] = pi
	f.order = append(f.order, pi.ID)
	if form.Get("confirm") != "true" || pm == "" {
		if pm != "" {
			pi.Status = "requires_confirmation"
		}
		return jsonBody(http.StatusOK, pi)
	}
	return f.confirm(pi, number, form.Get("return_url"))
}

// confirm decides by test card number, as Stripe's test mode does.
func (f *Fake) confirm(pi *intent, number, returnURL string) (int, []byte) {
	var e *apiError
	d, known := declines[number]
	switch {
	case !luhn(number):
		e = &apiError{Type: "card_error", Code: "incorrect_number", Message: "Your card number is incorrect."}
	case known:
		e = &apiError{Type: "card_error", Code: d[0], DeclineCode: d[1], Message: "Your card was declined."}
	case number != "4242424242424242" && number != "4000002760003184":
		e = &apiError{Type: "card_error", Code: "card_declined", DeclineCode: "test_mode_live_card",
			Message: "Your card was declined. Your request was in test mode, but used a non test card."}
	}
	if e != nil {
		pi.Status = "requires_payment_method"
		last := *e
		pi.LastPaymentError = &last
		pi.PaymentMethod = nil
		e.PaymentIntent = pi
		return errorBody(http.StatusPaymentRequired, *e)
	}
	if number == "4000002760003184" {
		pi.Status = "requires_action"
		pi.NextAction = map[string]any{"type": "redirect_to_url", "redirect_to_url": map[string]any{
			"url": "https://hooks.stripe.com/3d_secure_2/hosted?payment_intent=" + pi.ID, "return_url": returnURL}}
		return jsonBody(http.StatusOK, pi)
	}
	if pi.CaptureMethod == "manual" {
		pi.Status, pi.AmountCapturable = "requires_capture", pi.Amount
	} else {
		pi.Status, pi.AmountReceived = "succeeded", pi.Amount
	}
	return jsonBody(http.StatusOK, pi)
}

func unexpectedState(pi *intent, action string) (int, []byte) {
	return errorBody(http.StatusBadRequest, apiError{Type: "invalid_request_error", Code: "payment_intent_unexpected_state",
		Message: fmt.Sprintf("This PaymentIntent could not be %s because it has a status of %s.", action, pi.Status), PaymentIntent: pi})
}

func (f *Fake) capture(id string, form url.Values) (int, []byte) {
	pi := f.intents[id]
	if pi == nil {
		return noSuchIntent(id)
	}
	if pi.Status != "requires_capture" {
		return unexpectedState(pi, "captured")
	}
	amount := pi.AmountCapturable
	if form.Has("amount_to_capture") {
		n, ok := positive(form, "amount_to_capture")
		if !ok {
			return missing("amount_to_capture")
		}
		amount = n
	}
	if amount > pi.AmountCapturable {
		return errorBody(http.StatusBadRequest, apiError{Type: "invalid_request_error", Code: "amount_too_large", Param: "amount_to_capture",
			Message: fmt.Sprintf("The amount to capture (%d) is greater than the amount capturable (%d).", amount, pi.AmountCapturable)})
	}
	for k, v := range metadata(form) {
		pi.Metadata[k] = v
	}
	pi.Status, pi.AmountReceived, pi.AmountCapturable = "succeeded", amount, 0
	return jsonBody(http.StatusOK, pi)
}

func (f *Fake) cancel(id string) (int, []byte) {
	pi := f.intents[id]
	if pi == nil {
		return noSuchIntent(id)
	}
	if pi.Status == "succeeded" || pi.Status == "canceled" {
		return unexpectedState(pi, "canceled")
	}
	pi.Status, pi.AmountCapturable = "canceled", 0
	return jsonBody(http.StatusOK, pi)
}

// searchQuery is the one query form the fake understands.
var searchQuery = regexp.MustCompile(`^metadata\['([^']+)'\]:'((?:[^'\\]|\\.)*)'$`)

func (f *Fake) search(query string) (int, []byte) {
	m := searchQuery.FindStringSubmatch(query)
	if m == nil {
		return errorBody(http.StatusBadRequest, apiError{Type: "invalid_request_error", Code: "parameter_invalid_string", Param: "query",
			Message: "The fake understands only metadata['key']:'value' queries."})
	}
	value := strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(m[2])
	data := []*intent{}
	for i := len(f.order) - 1; i >= 0; i-- {
		if pi := f.intents[f.order[i]]; pi.Metadata[m[1]] == value {
			data = append(data, pi)
		}
	}
	return jsonBody(http.StatusOK, map[string]any{"object": "search_result", "url": "/v1/payment_intents/search",
		"has_more": false, "next_page": nil, "data": data})
}

func luhn(n string) bool {
	if len(n) < 12 || len(n) > 19 {
		return false
	}
	sum := 0
	for i := 0; i < len(n); i++ {
		d := int(n[len(n)-1-i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
