package api

import (
	"encoding/json"
	"net/http"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/invoice"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/payout"
	"github.com/paygate/paygate/internal/recurring"
	"github.com/paygate/paygate/internal/webhook"
)

// RenderEvent renders an event's object in the API's own shape, so a
// webhook carries exactly what GET would answer at that moment.
func RenderEvent(object any) []byte {
	switch o := object.(type) {
	case *payment.Operation:
		return mustJSON(operationView(o, "refund"))
	case *payment.Payment:
		return mustJSON(paymentView(o, nil))
	case *payout.Payout:
		return mustJSON(payoutView(o))
	case *checkout.Session:
		return mustJSON(checkoutView(o, "", ""))
	case *recurring.Schedule:
		return mustJSON(subscriptionView(o))
	case *invoice.Invoice:
		return mustJSON(invoiceView(o, "", nil))
	}
	return []byte("null")
}

type endpointJSON struct {
	ID             string   `json:"id"`
	Object         string   `json:"object"`
	Mode           string   `json:"mode"`
	URL            string   `json:"url"`
	Description    *string  `json:"description"`
	EventTypes     []string `json:"event_types"`
	Enabled        bool     `json:"enabled"`
	Scope          string   `json:"scope"`
	DisabledReason *string  `json:"disabled_reason"`
	CreatedAt      string   `json:"created_at"`
	// Secret is shown once, on the answer that created the endpoint.
	Secret string `json:"secret,omitempty"`
}

func endpointView(e *webhook.Endpoint, secret string) endpointJSON {
	types := e.EventTypes
	if types == nil {
		types = []string{}
	}
	return endpointJSON{ID: e.ID, Object: "webhook_endpoint", Mode: string(e.Mode), URL: e.URL, Description: opt(e.Description),
		EventTypes: types, Enabled: e.Enabled, Scope: e.Scope, DisabledReason: opt(e.DisabledReason), CreatedAt: ts(e.CreatedAt), Secret: secret}
}

type endpointRequest struct {
	URL         *string   `json:"url"`
	Description *string   `json:"description"`
	EventTypes  *[]string `json:"event_types"`
	Enabled     *bool     `json:"enabled"`
}

func (s *Server) createWebhookEndpoint(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[endpointRequest](s, w, r, false)
	if !ok {
		return
	}
	ep, secret, err := s.engine.CreateWebhookEndpoint(r.Context(), actorOf(r.Context()), engine.EndpointInput(req))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, http.StatusCreated, mustJSON(endpointView(ep, secret)))
}

func (s *Server) updateWebhookEndpoint(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[endpointRequest](s, w, r, true)
	if !ok {
		return
	}
	ep, err := s.engine.UpdateWebhookEndpoint(r.Context(), actorOf(r.Context()), r.PathValue("id"), engine.EndpointInput(req))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(endpointView(ep, "")))
}

func (s *Server) deleteWebhookEndpoint(w http.ResponseWriter, r *http.Request) {
	if err := s.engine.DeleteWebhookEndpoint(r.Context(), actorOf(r.Context()), r.PathValue("id")); err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(map[string]any{"id": r.PathValue("id"), "object": "webhook_endpoint", "deleted": true}))
}

func (s *Server) getWebhookEndpoint(w http.ResponseWriter, r *http.Request) {
	ep, err := s.engine.GetWebhookEndpoint(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(endpointView(ep, "")))
}

func (s *Server) listWebhookEndpoints(w http.ResponseWriter, r *http.Request) {
	eps, err := s.engine.ListWebhookEndpoints(r.Context(), actorOf(r.Context()))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	page(w, eps, len(eps), func(e *webhook.Endpoint) string { return e.ID }, func(e *webhook.Endpoint) endpointJSON { return endpointView(e, "") })
}

// eventView is the stored payload itself: the exact bytes webhooks carry.
func eventView(ev *webhook.Event) json.RawMessage { return json.RawMessage(ev.Payload) }

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	limit, after, ok := pageParams(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	evs, err := s.engine.ListEvents(r.Context(), actorOf(r.Context()), engine.EventFilter{Type: q.Get("type"), ObjectID: q.Get("object"), StartingAfter: after, Limit: limit + 1})
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	page(w, evs, limit, func(e *webhook.Event) string { return e.ID }, eventView)
}

func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) {
	ev, err := s.engine.GetEvent(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, ev.Payload)
}

type attemptJSON struct {
	Number     int     `json:"number"`
	At         string  `json:"at"`
	StatusCode *int    `json:"status_code"`
	Error      *string `json:"error"`
	DurationMS int64   `json:"duration_ms"`
	Response   *string `json:"response"`
}

type deliveryJSON struct {
	ID            string        `json:"id"`
	Object        string        `json:"object"`
	Event         string        `json:"event"`
	Endpoint      string        `json:"endpoint"`
	Status        string        `json:"status"`
	Attempts      int           `json:"attempts"`
	NextAttemptAt *string       `json:"next_attempt_at"`
	LastStatus    *int          `json:"last_status_code"`
	LastError     *string       `json:"last_error"`
	CreatedAt     string        `json:"created_at"`
	AttemptList   []attemptJSON `json:"attempt_history,omitempty"`
}

func deliveryView(d *webhook.Delivery, atts []*webhook.Attempt) deliveryJSON {
	v := deliveryJSON{ID: d.ID, Object: "webhook_delivery", Event: d.EventID, Endpoint: d.EndpointID, Status: d.Status,
		Attempts: d.Attempts, LastError: opt(d.LastError), CreatedAt: ts(d.CreatedAt)}
	if d.Status == webhook.Pending {
		t := ts(d.NextAttemptAt)
		v.NextAttemptAt = &t
	}
	if d.LastStatus != 0 {
		v.LastStatus = &d.LastStatus
	}
	for _, a := range atts {
		aj := attemptJSON{Number: a.Number, At: ts(a.At), Error: opt(a.Error), DurationMS: a.Duration.Milliseconds(), Response: opt(a.Response)}
		if a.StatusCode != 0 {
			code := a.StatusCode
			aj.StatusCode = &code
		}
		v.AttemptList = append(v.AttemptList, aj)
	}
	return v
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) {
	limit, after, ok := pageParams(w, r)
	if !ok {
		return
	}
	ds, err := s.engine.ListDeliveries(r.Context(), actorOf(r.Context()), engine.DeliveryFilter{EndpointID: r.PathValue("id"),
		Status: r.URL.Query().Get("status"), EventID: r.URL.Query().Get("event"), StartingAfter: after, Limit: limit + 1})
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	page(w, ds, limit, func(d *webhook.Delivery) string { return d.ID }, func(d *webhook.Delivery) deliveryJSON { return deliveryView(d, nil) })
}

func (s *Server) getDelivery(w http.ResponseWriter, r *http.Request) {
	d, atts, err := s.engine.GetDelivery(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(deliveryView(d, atts)))
}

func (s *Server) resendDelivery(w http.ResponseWriter, r *http.Request) {
	if _, ok := readJSON[struct{}](s, w, r, true); !ok {
		return
	}
	d, err := s.engine.ResendDelivery(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(deliveryView(d, nil)))
}

func (s *Server) getNotificationSecret(w http.ResponseWriter, r *http.Request) {
	secret, err := s.engine.NotificationSecret(r.Context(), actorOf(r.Context()))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, http.StatusOK, mustJSON(map[string]string{"object": "notification_secret", "secret": secret}))
}
