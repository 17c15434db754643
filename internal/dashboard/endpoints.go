package dashboard

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/webhook"
)

// endpointInput reads the endpoint form: every field is posted, so an
// unticked "enabled" means disabled and no ticked event type means all.
func endpointInput(f url.Values, withEnabled bool) engine.EndpointInput {
	u, d := strings.TrimSpace(f.Get("url")), strings.TrimSpace(f.Get("description"))
	types := []string{}
	for _, t := range f["event_types"] {
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	in := engine.EndpointInput{URL: &u, Description: &d, EventTypes: &types}
	if withEnabled {
		on := f.Get("enabled") != ""
		in.Enabled = &on
	}
	return in
}

// createEndpoint adds a webhook endpoint and shows its signing secret on
// this one answer (no-store), as the API's POST /v1/webhook-endpoints.
func (s *Server) createEndpoint(w http.ResponseWriter, r *http.Request, q *request) {
	ep, secret, err := s.eng.CreateWebhookEndpoint(r.Context(), q.actor, endpointInput(r.PostForm, false))
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, q, err)
			return
		}
		v := &webhooksView{view: view{Title: "Webhooks", Nav: "webhooks", Error: fault.As(err).Message}, F: r.PostForm}
		s.webhooksPage(w, r, q, v, http.StatusBadRequest)
		return
	}
	v := &webhooksView{view: view{Title: "Webhooks", Nav: "webhooks", Notice: "The endpoint was added. Copy its signing secret now: it is not shown again."},
		NewSecret: secret, NewEndpoint: ep.URL}
	s.webhooksPage(w, r, q, v, http.StatusCreated)
}

type endpointView struct {
	view
	E *webhook.Endpoint
	// Types are every event type, Checked the endpoint's (none: all).
	Types   []string
	Checked map[string]bool
}

func (s *Server) endpointPage(w http.ResponseWriter, r *http.Request, q *request, ep *webhook.Endpoint, status int, msg string) {
	v := &endpointView{view: view{Title: "Webhook endpoint", Nav: "webhooks", Notice: notices[r.URL.Query().Get("done")], Error: msg},
		E: ep, Types: webhook.Types, Checked: map[string]bool{}}
	for _, t := range ep.EventTypes {
		v.Checked[t] = true
	}
	s.renderFor(w, r, q, status, "endpoint", v)
}

func (s *Server) endpointDetail(w http.ResponseWriter, r *http.Request, q *request) {
	ep, err := s.eng.GetWebhookEndpoint(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.endpointPage(w, r, q, ep, http.StatusOK, "")
}

// updateEndpoint changes an endpoint's URL, description, event types and
// whether it is enabled (enabling clears why it was disabled).
func (s *Server) updateEndpoint(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	in := endpointInput(r.PostForm, true)
	ep, err := s.eng.UpdateWebhookEndpoint(ctx, q.actor, r.PathValue("id"), in)
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, q, err)
			return
		}
		cur, gerr := s.eng.GetWebhookEndpoint(ctx, q.actor, r.PathValue("id"))
		if gerr != nil {
			s.fail(w, r, q, gerr)
			return
		}
		// Refill the form with what was typed.
		typed := *cur
		typed.URL, typed.Description, typed.EventTypes, typed.Enabled = *in.URL, *in.Description, *in.EventTypes, *in.Enabled
		s.endpointPage(w, r, q, &typed, http.StatusBadRequest, fault.As(err).Message)
		return
	}
	http.Redirect(w, r, "/dashboard/webhooks/endpoints/"+url.PathEscape(ep.ID)+"?done=endpoint-updated", http.StatusSeeOther)
}

// deleteEndpoint removes an endpoint after a confirmation page; its
// pending deliveries fail.
func (s *Server) deleteEndpoint(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	ep, err := s.eng.GetWebhookEndpoint(ctx, q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	back := "/dashboard/webhooks/endpoints/" + url.PathEscape(ep.ID)
	if r.PostForm.Get("step") != "confirm" {
		s.renderFor(w, r, q, http.StatusOK, "ask", &askView{view: view{Title: "Delete webhook endpoint", Nav: "webhooks"},
			Heading: "Delete webhook endpoint",
			Text:    "Delete the endpoint " + ep.URL + "? No more events are sent to it and its pending deliveries fail. This cannot be undone.",
			Action:  back + "/delete", Button: "Yes, delete the endpoint", Back: back})
		return
	}
	if err := s.eng.DeleteWebhookEndpoint(ctx, q.actor, ep.ID); err != nil {
		s.fail(w, r, q, err)
		return
	}
	http.Redirect(w, r, "/dashboard/webhooks?done=endpoint-deleted", http.StatusSeeOther)
}
