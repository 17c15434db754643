package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate/paygate/client"
	"github.com/paygate/paygate/internal/delivery"
	"github.com/paygate/paygate/internal/engine"
)

// receiver is a merchant's webhook endpoint that records what arrives and
// answers with the statuses it is told to, in turn.
type receiver struct {
	mu      sync.Mutex
	srv     *httptest.Server
	got     []received
	answers []int
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, answers ...int) *receiver {
	r := &receiver{answers: answers}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), b})
		status := 200
		if len(r.answers) > 0 {
			status, r.answers = r.answers[0], r.answers[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func dispatchCfg() engine.DispatchConfig {
	return engine.DispatchConfig{Sender: delivery.New(15 * time.Second)}
}

func (e *env) endpoint(url string, types ...string) (id, secret string) {
	e.t.Helper()
	body := map[string]any{"url": url}
	if len(types) > 0 {
		body["event_types"] = types
	}
	b, _ := json.Marshal(body)
	r := e.do("POST", "/v1/webhook-endpoints", e.key, string(b))
	if r.status != 201 {
		e.t.Fatalf("endpoint: %d %s", r.status, r.body)
	}
	m := r.json(e.t)
	return m["id"].(string), m["secret"].(string)
}

// TestWebhookIsSignedAndRetriedWithTheSameID covers WH-01/03/05: a payment
// makes events; the endpoint fails three times and then accepts; every
// attempt carries the same webhook-id and body, a fresh timestamp and a
// valid signature; the history shows the four attempts.
func TestWebhookIsSignedAndRetriedWithTheSameID(t *testing.T) {
	clk := newClock()
	e := newEnvWith(t, quietLimits, clk.now)
	rcv := newReceiver(t, 500, 503, 500)
	epID, secret := e.endpoint(rcv.srv.URL, "payment.captured")
	payID := e.pay(saleBody(1200, "4242424242424242", ""), 201)
	e.pay(saleBody(1200, "4000000000000002", ""), 402) // payment.failed: not subscribed

	for i := 0; i < 4; i++ {
		if _, err := e.engine.DispatchOnce(t.Context(), dispatchCfg()); err != nil {
			t.Fatal(err)
		}
		clk.advance(3 * time.Hour) // past every early retry
	}
	got := rcv.all()
	if len(got) != 4 {
		t.Fatalf("%d attempts, want 4", len(got))
	}
	var lastTS int64
	for i, g := range got {
		if g.header.Get("webhook-id") != got[0].header.Get("webhook-id") || string(g.body) != string(got[0].body) {
			t.Fatalf("attempt %d changed the id or body", i+1)
		}
		ts, _ := strconv.ParseInt(g.header.Get("webhook-timestamp"), 10, 64)
		if ts <= lastTS {
			t.Fatalf("attempt %d timestamp %d not after %d", i+1, ts, lastTS)
		}
		lastTS = ts
		if err := client.VerifyWebhook(secret, g.header, g.body, time.Unix(ts, 0)); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	var ev map[string]any
	json.Unmarshal(got[0].body, &ev)
	obj := ev["data"].(map[string]any)["object"].(map[string]any)
	if ev["type"] != "payment.captured" || obj["id"] != payID || obj["status"] != "captured" || ev["sequence"] == nil {
		t.Fatalf("event %s", got[0].body)
	}
	// The event is listable, with the exact bytes delivered.
	stored := e.do("GET", "/v1/events/"+ev["id"].(string), e.key, "")
	if string(stored.body) != string(got[0].body) {
		t.Fatalf("GET /v1/events/{id} differs from the delivery:\n%s\n%s", stored.body, got[0].body)
	}
	if list := e.do("GET", "/v1/events?object="+payID, e.key, "").json(t)["data"].([]any); len(list) != 1 {
		t.Fatalf("events of the payment: %v", list)
	}
	ds := e.do("GET", "/v1/webhook-endpoints/"+epID+"/deliveries", e.key, "").json(t)["data"].([]any)
	if len(ds) != 1 || ds[0].(map[string]any)["status"] != "succeeded" {
		t.Fatalf("deliveries %v", ds)
	}
	d := e.do("GET", "/v1/webhook-deliveries/"+ds[0].(map[string]any)["id"].(string), e.key, "").json(t)
	hist := d["attempt_history"].([]any)
	if len(hist) != 4 || hist[0].(map[string]any)["status_code"].(float64) != 500 || hist[3].(map[string]any)["status_code"].(float64) != 200 {
		t.Fatalf("attempt history %v", hist)
	}

	// Resend: delivered again, same id.
	if r := e.do("POST", "/v1/webhook-deliveries/"+d["id"].(string)+"/resend", e.key, ""); r.status != 200 {
		t.Fatalf("resend: %d %s", r.status, r.body)
	}
	e.engine.DispatchOnce(t.Context(), dispatchCfg())
	if all := rcv.all(); len(all) != 5 || all[4].header.Get("webhook-id") != got[0].header.Get("webhook-id") {
		t.Fatalf("resent delivery: %d attempts", len(all))
	}
	// Another merchant sees none of it.
	if r := e.do("GET", "/v1/webhook-deliveries/"+d["id"].(string), e.other, ""); r.status != 404 {
		t.Fatalf("merchant B reads A's delivery: %d", r.status)
	}
}

// TestWebhookStatusHandling covers WH-06: 2xx succeeds, a redirect is a
// failure and is not followed, 410 disables the endpoint.
func TestWebhookStatusHandling(t *testing.T) {
	clk := newClock()
	e := newEnvWith(t, quietLimits, clk.now)
	followed := newReceiver(t)
	redirect := httptest.NewServer(http.RedirectHandler(followed.srv.URL, http.StatusFound))
	t.Cleanup(redirect.Close)
	gone := newReceiver(t, 410)
	redirID, _ := e.endpoint(redirect.URL)
	goneID, _ := e.endpoint(gone.srv.URL)
	e.pay(saleBody(500, "4242424242424242", ""), 201)
	e.engine.DispatchOnce(t.Context(), dispatchCfg())
	if len(followed.all()) != 0 {
		t.Fatal("a redirect was followed")
	}
	rd := e.do("GET", "/v1/webhook-endpoints/"+redirID+"/deliveries", e.key, "").json(t)["data"].([]any)[0].(map[string]any)
	if rd["status"] != "pending" || rd["last_status_code"].(float64) != 302 || rd["attempts"].(float64) != 1 {
		t.Fatalf("redirected delivery %v", rd)
	}
	ep := e.do("GET", "/v1/webhook-endpoints/"+goneID, e.key, "").json(t)
	if ep["enabled"] != false || ep["disabled_reason"] == nil {
		t.Fatalf("410 endpoint %v", ep)
	}
	// A disabled endpoint gets no new deliveries; enabling it again works.
	e.pay(saleBody(500, "4242424242424242", ""), 201)
	clk.advance(time.Minute)
	e.engine.DispatchOnce(t.Context(), dispatchCfg())
	if n := len(gone.all()); n != 1 {
		t.Fatalf("a disabled endpoint got %d requests", n)
	}
	if r := e.do("POST", "/v1/webhook-endpoints/"+goneID, e.key, `{"enabled":true}`); r.json(t)["enabled"] != true {
		t.Fatalf("re-enable: %s", r.body)
	}
	wantProblem(t, e.do("POST", "/v1/webhook-endpoints", e.key, `{"url":"ftp://x.test"}`), 400, "url_invalid", "url")
	wantProblem(t, e.do("POST", "/v1/webhook-endpoints", e.live, `{"url":"http://x.test/hook"}`), 400, "url_invalid", "url")
	wantProblem(t, e.do("POST", "/v1/webhook-endpoints", e.key, `{"url":"https://x.test","event_types":["payment.teleported"]}`), 400, "parameter_invalid", "event_types")
}

// TestEveryStateChangeEmitsItsEvent walks a payment through its life.
func TestEveryStateChangeEmitsItsEvent(t *testing.T) {
	e := newEnv(t)
	id := e.pay(saleBody(1000, "4242424242424242", "manual"), 201)
	e.do("POST", "/v1/payments/"+id+"/capture", e.key, `{"amount":800}`)
	e.do("POST", "/v1/payments/"+id+"/refunds", e.key, `{"amount":300}`)
	e.do("POST", "/v1/payments/"+id+"/refunds", e.key, `{}`)
	void := e.pay(saleBody(1000, "4242424242424242", "manual"), 201)
	e.do("POST", "/v1/payments/"+void+"/void", e.key, `{}`)
	evs := e.do("GET", "/v1/events?limit=100", e.key, "").json(t)["data"].([]any)
	var types []string
	for i := len(evs) - 1; i >= 0; i-- {
		types = append(types, evs[i].(map[string]any)["type"].(string))
	}
	want := "payment.authorized payment.captured refund.succeeded payment.refunded refund.succeeded payment.authorized payment.voided"
	if got := joinStrings(types); got != want {
		t.Fatalf("events\n got %s\nwant %s", got, want)
	}
	if l := e.do("GET", "/v1/events?type=payment.voided", e.key, "").json(t)["data"].([]any); len(l) != 1 {
		t.Fatalf("%d payment.voided events, want 1", len(l))
	}
	// A type that does not exist is a mistake, not an empty list.
	wantProblem(t, e.do("GET", "/v1/events?type=payment.voidd", e.key, ""), 400, "parameter_invalid", "type")
	// Sequences grow per object in emission order.
	var last float64
	for i := len(evs) - 1; i >= 0; i-- {
		ev := evs[i].(map[string]any)
		if obj := ev["data"].(map[string]any)["object"].(map[string]any); obj["id"] == id {
			if s := ev["sequence"].(float64); s <= last {
				t.Fatalf("sequence %v after %v", s, last)
			} else {
				last = s
			}
		}
	}
}

func joinStrings(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

func TestWebhookAnswersValidateAgainstTheDocumentedSchemas(t *testing.T) {
	o := loadOpenAPI(t)
	e := newEnv(t)
	rcv := newReceiver(t, 500)
	created := e.do("POST", "/v1/webhook-endpoints", e.key, `{"url":"`+rcv.srv.URL+`","event_types":["payment.captured"]}`)
	o.validate(t, "#/components/schemas/WebhookEndpoint", created.body)
	epID := created.json(t)["id"].(string)
	o.validate(t, "#/components/schemas/WebhookEndpointList", e.do("GET", "/v1/webhook-endpoints", e.key, "").body)
	e.pay(saleBody(100, "4242424242424242", ""), 201)
	e.engine.DispatchOnce(t.Context(), dispatchCfg())
	o.validate(t, "#/components/schemas/EventList", e.do("GET", "/v1/events", e.key, "").body)
	list := e.do("GET", "/v1/webhook-endpoints/"+epID+"/deliveries", e.key, "")
	o.validate(t, "#/components/schemas/WebhookDeliveryList", list.body)
	o.validate(t, "#/components/schemas/WebhookDelivery", e.do("GET", "/v1/webhook-deliveries/"+list.json(t)["data"].([]any)[0].(map[string]any)["id"].(string), e.key, "").body)
}

// TestNotificationURLOnOnePaymentAndOneCheckout: a payment (or checkout
// session) that names a notification URL has its events delivered there,
// signed with the merchant's notification secret; other payments' events
// do not go there.
func TestNotificationURLOnOnePaymentAndOneCheckout(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t)
	body := strings.Replace(saleBody(700, "4242424242424242", ""), `"capture":""`, `"capture":"","notification_url":"`+rcv.srv.URL+`/n"`, 1)
	r := e.do("POST", "/v1/payments", e.key, body)
	if r.json(t)["notification_url"] != rcv.srv.URL+"/n" {
		t.Fatalf("payment %s", r.body)
	}
	e.pay(saleBody(800, "4242424242424242", ""), 201) // no notification URL
	e.do("POST", "/v1/checkout/sessions", e.key, `{"amount":100,"currency":"USD","success_url":"https://a.test/ok","notification_url":"`+rcv.srv.URL+`/n"}`)
	e.engine.DispatchOnce(t.Context(), dispatchCfg())
	got := rcv.all()
	if len(got) != 1 {
		t.Fatalf("%d notifications, want the one payment's event", len(got))
	}
	secret := e.do("GET", "/v1/notification-secret", e.key, "").json(t)["secret"].(string)
	ts, _ := strconv.ParseInt(got[0].header.Get("webhook-timestamp"), 10, 64)
	if err := client.VerifyWebhook(secret, got[0].header, got[0].body, time.Unix(ts, 0)); err != nil {
		t.Fatalf("notification signature: %v", err)
	}
	if !strings.Contains(string(got[0].body), r.json(t)["id"].(string)) || !strings.Contains(string(got[0].body), `"payment.captured"`) {
		t.Fatalf("notification %s", got[0].body)
	}
	eps := e.do("GET", "/v1/webhook-endpoints", e.key, "").json(t)["data"].([]any)
	if len(eps) != 1 || eps[0].(map[string]any)["scope"] != "notification" {
		t.Fatalf("endpoints %v", eps)
	}
	wantProblem(t, e.do("POST", "/v1/payments", e.key, strings.Replace(saleBody(700, "4242424242424242", ""), `"capture":""`, `"capture":"","notification_url":"ftp://x"`, 1)), 400, "url_invalid", "notification_url")
}

// TestAnExhaustedDeliveryDisablesItsEndpointAndAResendStartsAfresh: an
// endpoint that fails every attempt of the three-day schedule is disabled
// with its reason; resending then is refused (409 endpoint_disabled, no
// request made) until the endpoint is enabled again; a resend after that
// gets a whole new schedule (one more failure does not disable the
// endpoint again) and its attempts continue the numbering.
func TestAnExhaustedDeliveryDisablesItsEndpointAndAResendStartsAfresh(t *testing.T) {
	clk := newClock()
	e := newEnvWith(t, quietLimits, clk.now)
	failures := make([]int, 11)
	for i := range failures {
		failures[i] = 500
	}
	rcv := newReceiver(t, failures...)
	epID, _ := e.endpoint(rcv.srv.URL, "payment.captured")
	e.pay(saleBody(700, "4242424242424242", ""), 201)
	dispatch := func() {
		t.Helper()
		if _, err := e.engine.DispatchOnce(t.Context(), dispatchCfg()); err != nil {
			t.Fatal(err)
		}
		clk.advance(27 * time.Hour) // past the longest wait, jitter included
	}
	for range 12 {
		dispatch()
	}
	if n := len(rcv.all()); n != 10 {
		t.Fatalf("%d attempts before giving up, want the schedule's 10", n)
	}
	ep := e.do("GET", "/v1/webhook-endpoints/"+epID, e.key, "").json(t)
	if ep["enabled"] != false || ep["disabled_reason"] != "deliveries failed for three days" {
		t.Fatalf("endpoint after an exhausted schedule: %v", ep)
	}
	dID := e.do("GET", "/v1/webhook-endpoints/"+epID+"/deliveries", e.key, "").json(t)["data"].([]any)[0].(map[string]any)["id"].(string)
	if d := e.do("GET", "/v1/webhook-deliveries/"+dID, e.key, "").json(t); d["status"] != "failed" {
		t.Fatalf("exhausted delivery: %v", d)
	}

	wantProblem(t, e.do("POST", "/v1/webhook-deliveries/"+dID+"/resend", e.key, ""), 409, "endpoint_disabled", "")
	dispatch()
	if n := len(rcv.all()); n != 10 {
		t.Fatalf("a refused resend still sent a request (%d in all)", n)
	}

	if r := e.do("POST", "/v1/webhook-endpoints/"+epID, e.key, `{"enabled":true}`); r.status != 200 {
		t.Fatalf("re-enable: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/webhook-deliveries/"+dID+"/resend", e.key, ""); r.status != 200 || r.json(t)["status"] != "pending" {
		t.Fatalf("resend: %d %s", r.status, r.body)
	}
	dispatch() // the 11th answer fails: a fresh schedule retries it
	if ep := e.do("GET", "/v1/webhook-endpoints/"+epID, e.key, "").json(t); ep["enabled"] != true {
		t.Fatalf("one failed resend disabled the endpoint again: %v", ep)
	}
	dispatch() // then it is accepted
	d := e.do("GET", "/v1/webhook-deliveries/"+dID, e.key, "").json(t)
	hist := d["attempt_history"].([]any)
	if d["status"] != "succeeded" || len(hist) != 12 {
		t.Fatalf("after the resend: status %v, %d attempts logged, want succeeded and 12", d["status"], len(hist))
	}
	for i, h := range hist {
		if n := h.(map[string]any)["number"].(float64); int(n) != i+1 {
			t.Fatalf("attempt %d is numbered %v", i+1, n)
		}
	}
	if r := e.do("DELETE", "/v1/webhook-endpoints/"+epID, e.key, ""); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("POST", "/v1/webhook-deliveries/"+dID+"/resend", e.key, ""), 409, "endpoint_deleted", "")
}
