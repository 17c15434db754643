package stripe

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/paygate/paygate/internal/connector"
)

// paymentIntent is the part of Stripe's PaymentIntent object paygate reads.
type paymentIntent struct {
	ID               string            `json:"id"`
	Object           string            `json:"object"`
	Status           string            `json:"status"`
	Amount           int64             `json:"amount"`
	AmountCapturable int64             `json:"amount_capturable"`
	AmountReceived   int64             `json:"amount_received"`
	Currency         string            `json:"currency"`
	Metadata         map[string]string `json:"metadata"`
	LastPaymentError *apiError         `json:"last_payment_error"`
	NextAction       *struct {
		Type          string `json:"type"`
		RedirectToURL *struct {
			URL string `json:"url"`
		} `json:"redirect_to_url"`
	} `json:"next_action"`
}

// refund is the part of Stripe's Refund object paygate reads.
type refund struct {
	ID            string            `json:"id"`
	Object        string            `json:"object"`
	Status        string            `json:"status"`
	Amount        int64             `json:"amount"`
	PaymentIntent string            `json:"payment_intent"`
	FailureReason string            `json:"failure_reason"`
	Metadata      map[string]string `json:"metadata"`
}

// apiError is Stripe's error object (the value of "error" in an error
// answer, and a PaymentIntent's last_payment_error).
type apiError struct {
	Type          string         `json:"type"`
	Code          string         `json:"code"`
	DeclineCode   string         `json:"decline_code"`
	Message       string         `json:"message"`
	Param         string         `json:"param"`
	PaymentIntent *paymentIntent `json:"payment_intent"`
}

// list is a Stripe list or search_result page.
type list[T any] struct {
	Object  string `json:"object"`
	Data    []T    `json:"data"`
	HasMore bool   `json:"has_more"`
}

// parse reads a Stripe answer: a 2xx body into v, or an error answer into a
// declined Result (402 card_error, with decline set) or a classified
// *connector.Error. It never panics on any input (FuzzParse).
func parse(r response, v any) (declined *connector.Result, err error) {
	if r.status >= 200 && r.status < 300 {
		if err := json.Unmarshal(r.body, v); err != nil {
			// Stripe acted and answered, but not in a form we understand.
			return nil, &connector.Error{Class: connector.Timeout, Code: "answer_unreadable", Message: "Stripe's answer could not be parsed; the outcome is unknown"}
		}
		return nil, nil
	}
	var env struct {
		Error *apiError `json:"error"`
	}
	_ = json.Unmarshal(r.body, &env)
	e := env.Error
	if e == nil {
		e = &apiError{}
	}
	if r.status == http.StatusPaymentRequired && (e.Type == "card_error" || e.Type == "") {
		res := declineResult(e)
		if e.PaymentIntent != nil {
			res.ProcessorRef = e.PaymentIntent.ID
		}
		return &res, nil
	}
	return nil, classify(r.status, e)
}

// classify maps a non-2xx, non-decline answer to a failure class.
func classify(status int, e *apiError) *connector.Error {
	code := e.Code
	if code == "" {
		code = e.Type
	}
	if code == "" {
		code = "http_" + strconv.Itoa(status)
	}
	msg := scrub(e.Message)
	if msg == "" {
		msg = "Stripe answered HTTP " + strconv.Itoa(status)
	}
	class := connector.InvalidRequest
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		class = connector.AuthFailed
	case status == http.StatusTooManyRequests:
		class = connector.RateLimited
	case status == http.StatusConflict:
		// Another request with the same idempotency key is in flight: this
		// one did nothing, but that one may have acted.
		class = connector.Timeout
	case status == http.StatusServiceUnavailable:
		class = connector.Unavailable
	case status >= 500:
		// Stripe documents a 500's result as indeterminate.
		class = connector.Timeout
	}
	return &connector.Error{Class: class, Code: code, Message: msg}
}

// declineCodes turns Stripe's decline reasons into paygate's where they
// differ; every other code is kept as Stripe sends it.
var declineCodes = map[string]string{
	"do_not_honor":                          "generic_decline",
	"payment_intent_authentication_failure": "authentication_failed",
	"pickup_card":                           "card_blocked",
	"restricted_card":                       "card_blocked",
	"invalid_cvc":                           "incorrect_cvc",
}

// retryableDeclines may succeed if the same card is tried again.
var retryableDeclines = map[string]bool{"processing_error": true, "try_again_later": true, "reenter_transaction": true}

// declineResult maps a card error (an error answer or last_payment_error).
func declineResult(e *apiError) connector.Result {
	raw := e.DeclineCode
	if raw == "" {
		raw = e.Code
	}
	if raw == "" {
		raw = "generic_decline"
	}
	code := raw
	if c, ok := declineCodes[raw]; ok {
		code = c
	}
	return connector.Result{Outcome: connector.Declined, DeclineCode: code, Message: scrub(e.Message),
		Retryable: retryableDeclines[code], RawCode: raw}
}

// intentResult maps a PaymentIntent's state to a Result (the table in
// docs/connectors/stripe.md).
func intentResult(pi *paymentIntent) connector.Result {
	res := connector.Result{ProcessorRef: pi.ID, RawCode: pi.Status}
	switch pi.Status {
	case "succeeded":
		res.Outcome, res.Captured = connector.Approved, true
		res.AmountAuthorized = fromStripe(pi.AmountReceived, pi.Currency)
	case "requires_capture":
		res.Outcome = connector.Approved
		res.AmountAuthorized = fromStripe(pi.AmountCapturable, pi.Currency)
	case "requires_action":
		res.Outcome = connector.ActionRequired
		if na := pi.NextAction; na != nil && na.RedirectToURL != nil {
			res.ActionURL = na.RedirectToURL.URL
		}
	case "requires_payment_method":
		e := pi.LastPaymentError
		if e == nil {
			e = &apiError{}
		}
		res = declineResult(e)
		res.ProcessorRef = pi.ID
	case "canceled":
		res.Outcome, res.DeclineCode = connector.Declined, "authorization_canceled"
		res.Message = "the Stripe PaymentIntent was canceled"
	default: // processing, requires_confirmation, and any status Stripe adds later
		res.Outcome = connector.Pending
	}
	return res
}

// refundResult maps a Refund's status.
func refundResult(r *refund) connector.Result {
	res := connector.Result{ProcessorRef: r.ID, RawCode: r.Status}
	switch r.Status {
	case "succeeded":
		res.Outcome = connector.Approved
	case "failed", "canceled":
		res.Outcome, res.DeclineCode = connector.Declined, "refund_failed"
		if r.FailureReason != "" {
			res.RawCode = r.FailureReason
		}
	default: // pending, requires_action
		res.Outcome = connector.Pending
	}
	return res
}

// panLike finds digit runs as long as card numbers, with optional spaces
// or dashes between digits.
var panLike = regexp.MustCompile(`\d(?:[ -]?\d){11,18}`)

// scrub masks anything shaped like a card number in text that came from
// outside, keeping at most the first six and last four digits, and bounds
// its length.
func scrub(s string) string {
	if len(s) > 500 {
		s = s[:500]
	}
	s = strings.ToValidUTF8(s, "")
	return panLike.ReplaceAllStringFunc(s, func(m string) string {
		d := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m)
		return d[:6] + strings.Repeat("*", len(d)-10) + d[len(d)-4:]
	})
}
