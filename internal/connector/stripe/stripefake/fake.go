// Package stripefake is a small in-memory Stripe for tests: PaymentIntents
// (create with confirm, retrieve, search by metadata, capture, cancel) and
// Refunds (create, list), with Stripe's JSON shapes, error objects,
// Idempotency-Key replay and the limits stripe-mock cannot check (capture
// at most amount_capturable, refunds at most the amount received, no cancel
// after capture). It follows Stripe's documented behaviour for the parts
// paygate uses and nothing more; it must not import paygate's connector.
package stripefake

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Test cards, by number, as in Stripe's testing docs.
var declines = map[string][2]string{ // number -> code, decline_code
	"4000000000000002": {"card_declined", "generic_decline"},
	"4000000000009995": {"card_declined", "insufficient_funds"},
	"4000000000009987": {"card_declined", "lost_card"},
	"4000000000000069": {"expired_card", "expired_card"},
	"4000000000000127": {"incorrect_cvc", "incorrect_cvc"},
	"4000000000000119": {"processing_error", "processing_error"},
}

// paymentMethods are Stripe's test PaymentMethod ids and the cards they stand for.
var paymentMethods = map[string]string{
	"pm_card_visa":                            "4242424242424242",
	"pm_card_chargeDeclined":                  "4000000000000002",
	"pm_card_chargeDeclinedInsufficientFunds": "4000000000009995",
	"pm_card_chargeDeclinedExpiredCard":       "4000000000000069",
	"pm_card_chargeDeclinedIncorrectCvc":      "4000000000000127",
	"pm_card_authenticationRequired":          "4000002760003184",
}

// Fake is the fake Stripe; it is an http.Handler and safe for concurrent use.
type Fake struct {
	key string

	mu      sync.Mutex
	seq     int
	intents map[string]*intent
	order   []string // intent ids in creation order
	refunds []*refund
	idem    map[string]saved
	stall   bool
	// Requests counts the requests answered, for tests.
	requests int
}

type saved struct {
	fingerprint string
	status      int
	body        []byte
}

type intent struct {
	ID               string            `json:"id"`
	Object           string            `json:"object"`
	Amount           int64             `json:"amount"`
	AmountCapturable int64             `json:"amount_capturable"`
	AmountReceived   int64             `json:"amount_received"`
	CaptureMethod    string            `json:"capture_method"`
	Currency         string            `json:"currency"`
	Description      *string           `json:"description"`
	Livemode         bool              `json:"livemode"`
	Metadata         map[string]string `json:"metadata"`
	PaymentMethod    *string           `json:"payment_method"`
	Status           string            `json:"status"`
	LastPaymentError *apiError         `json:"last_payment_error"`
	NextAction       map[string]any    `json:"next_action"`
	Created          int64             `json:"created"`
	refunded         int64
}

type refund struct {
	ID            string            `json:"id"`
	Object        string            `json:"object"`
	Amount        int64             `json:"amount"`
	Currency      string            `json:"currency"`
	PaymentIntent string            `json:"payment_intent"`
	Reason        *string           `json:"reason"`
	Status        string            `json:"status"`
	Metadata      map[string]string `json:"metadata"`
	Created       int64             `json:"created"`
}

type apiError struct {
	Type          string  `json:"type"`
	Code          string  `json:"code,omitempty"`
	DeclineCode   string  `json:"decline_code,omitempty"`
	Message       string  `json:"message"`
	Param         string  `json:"param,omitempty"`
	PaymentIntent *intent `json:"payment_intent,omitempty"`
}

// New returns a fake that accepts secretKey (as Bearer or Basic user).
func New(secretKey string) *Fake {
	return &Fake{key: secretKey, intents: map[string]*intent{}, idem: map[string]saved{}}
}

// ActThenStall makes the fake act on the next request but hold its answer
// until the client gives up (or 10 s pass): a lost answer.
func (f *Fake) ActThenStall() {
	f.mu.Lock()
	f.stall = true
	f.mu.Unlock()
}

// Requests reports how many requests the fake has answered.
func (f *Fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// Intent returns a copy of a PaymentIntent's JSON fields, for tests.
func (f *Fake) Intent(id string) (status string, capturable, received int64, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pi := f.intents[id]
	if pi == nil {
		return "", 0, 0, false
	}
	return pi.Status, pi.AmountCapturable, pi.AmountReceived, true
}

func (f *Fake) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	var got string
	switch {
	case strings.HasPrefix(h, "Bearer "):
		got = strings.TrimPrefix(h, "Bearer ")
	case strings.HasPrefix(h, "Basic "):
		b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(h, "Basic "))
		if err != nil {
			return false
		}
		got, _, _ = strings.Cut(string(b), ":")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(f.key)) == 1
}

// ServeHTTP implements http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status, body := f.handle(r)
	f.mu.Lock()
	stall := f.stall
	f.stall = false
	f.requests++
	f.mu.Unlock()
	if stall {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(10 * time.Second):
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Stripe-Version", "2024-06-20")
	w.WriteHeader(status)
	w.Write(body)
}

// handle authenticates, replays idempotent requests and routes.
func (f *Fake) handle(r *http.Request) (int, []byte) {
	if !f.authorized(r) {
		return errorBody(http.StatusUnauthorized, apiError{Type: "invalid_request_error", Message: "Invalid API Key provided."})
	}
	if r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return errorBody(http.StatusBadRequest, apiError{Type: "invalid_request_error",
			Message: "Invalid request: the Content-Type must be application/x-www-form-urlencoded."})
	}
	if err := r.ParseForm(); err != nil {
		return errorBody(http.StatusBadRequest, apiError{Type: "invalid_request_error", Message: "Invalid request body."})
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	key := r.Header.Get("Idempotency-Key")
	if key == "" || r.Method != http.MethodPost {
		return f.route(r)
	}
	fp := r.Method + " " + r.URL.Path + "?" + r.PostForm.Encode()
	if s, ok := f.idem[key]; ok {
		if s.fingerprint != fp {
			return errorBody(http.StatusBadRequest, apiError{Type: "idempotency_error",
				Message: "Keys for idempotent requests can only be used with the same parameters they were first used with."})
		}
		return s.status, s.body
	}
	status, body := f.route(r)
	// Stripe does not save answers to requests that failed validation
	// before execution; it does save card declines and successes.
	if status < 400 || status == http.StatusPaymentRequired {
		f.idem[key] = saved{fingerprint: fp, status: status, body: body}
	}
	return status, body
}

func (f *Fake) route(r *http.Request) (int, []byte) {
	p := strings.TrimPrefix(r.URL.Path, "/v1/")
	parts := strings.Split(p, "/")
	switch {
	case r.Method == http.MethodPost && p == "payment_intents":
		return f.createIntent(r.PostForm)
	case r.Method == http.MethodGet && p == "payment_intents/search":
		return f.search(r.Form.Get("query"))
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "payment_intents":
		pi := f.intents[parts[1]]
		if pi == nil {
			return noSuchIntent(parts[1])
		}
		return jsonBody(http.StatusOK, pi)
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "payment_intents" && parts[2] == "capture":
		return f.capture(parts[1], r.PostForm)
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "payment_intents" && parts[2] == "cancel":
		return f.cancel(parts[1])
	case r.Method == http.MethodPost && p == "refunds":
		return f.createRefund(r.PostForm)
	case r.Method == http.MethodGet && p == "refunds":
		return f.listRefunds(r.Form)
	}
	return errorBody(http.StatusNotFound, apiError{Type: "invalid_request_error",
		Message: fmt.Sprintf("Unrecognized request URL (%s: %s).", r.Method, r.URL.Path)})
}

func (f *Fake) newID(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s_fake%012d", prefix, f.seq)
}

func metadata(form url.Values) map[string]string {
	m := map[string]string{}
	for k, v := range form {
		if strings.HasPrefix(k, "metadata[") && strings.HasSuffix(k, "]") {
			m[k[len("metadata["):len(k)-1]] = v[0]
		}
	}
	return m
}

func jsonBody(status int, v any) (int, []byte) {
	b, _ := json.Marshal(v)
	return status, b
}

func errorBody(status int, e apiError) (int, []byte) {
	return jsonBody(status, map[string]any{"error": e})
}

func noSuchIntent(id string) (int, []byte) {
	return errorBody(http.StatusNotFound, apiError{Type: "invalid_request_error", Code: "resource_missing", Param: "intent",
		Message: fmt.Sprintf("No such payment_intent: '%s'", id)})
}
