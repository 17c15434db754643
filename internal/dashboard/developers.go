package dashboard

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/pmconfig"
	"github.com/paygate/paygate/internal/webhook"
)

type developersView struct {
	view
	Keys []*auth.APIKey
	// Emails name the people keys act for (by user id).
	Emails  map[string]string
	Configs []*pmconfig.Config
	// NewKey is a key's secret, shown once right after it is made.
	NewKey, NewKeyHint string
	// Overlaps are the roll form's choices.
	Overlaps []struct {
		Seconds int
		Label   string
	}
}

// developers lists the mode's API keys (hints only) and the payment-method
// configurations; connector credentials are write-only and never shown.
func (s *Server) developers(w http.ResponseWriter, r *http.Request, q *request) {
	v := &developersView{view: view{Title: "Developers", Nav: "developers", Notice: notices[r.URL.Query().Get("done")]}}
	s.developersPage(w, r, q, v, http.StatusOK)
}

func (s *Server) developersPage(w http.ResponseWriter, r *http.Request, q *request, v *developersView, status int) {
	var err error
	v.Overlaps = rollOverlaps
	if v.Keys, err = s.eng.ListKeys(r.Context(), q.actor); err != nil {
		s.fail(w, r, q, err)
		return
	}
	us, err := s.eng.ListUsers(r.Context(), q.actor)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v.Emails = map[string]string{}
	for _, u := range us {
		v.Emails[u.ID] = u.Email
	}
	cfgs, err := s.eng.ListConfigs(r.Context(), q.actor)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	for _, c := range cfgs {
		if c.Mode == q.actor.Mode {
			v.Configs = append(v.Configs, c)
		}
	}
	s.renderFor(w, r, q, status, "developers", v)
}

// createKey makes a key and shows its secret on this one answer (no-store).
func (s *Server) createKey(w http.ResponseWriter, r *http.Request, q *request) {
	k, secret, err := s.eng.CreateKey(r.Context(), q.actor, engine.CreateKeyInput{Kind: r.PostForm.Get("kind"), Name: strings.TrimSpace(r.PostForm.Get("name"))})
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &developersView{view: view{Title: "Developers", Nav: "developers", Notice: "The key was created."},
		NewKey: secret, NewKeyHint: k.Hint}
	s.developersPage(w, r, q, v, http.StatusCreated)
}

// revokeKey stops a key at once, in two steps like rollKey: the key's
// Revoke… button asks, and only "Yes, revoke the key" revokes it.
func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	k, err := s.eng.GetKey(ctx, q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	if r.PostForm.Get("step") != "confirm" {
		name := ""
		if k.Name != "" {
			name = " (" + k.Name + ")"
		}
		s.renderFor(w, r, q, http.StatusOK, "ask", &askView{view: view{Title: "Revoke API key", Nav: "developers"},
			Heading: "Revoke API key",
			Text: "Revoke the " + string(k.Kind) + " key " + k.Hint + name + "? It stops working at once, for every request that uses it. " +
				"This cannot be undone; roll the key instead to keep it working while you switch.",
			Action: "/dashboard/developers/keys/" + url.PathEscape(k.ID) + "/revoke", Button: "Yes, revoke the key", Back: "/dashboard/developers"})
		return
	}
	if _, err := s.eng.RevokeKey(ctx, q.actor, k.ID); err != nil {
		s.fail(w, r, q, err)
		return
	}
	http.Redirect(w, r, "/dashboard/developers?done=revoked", http.StatusSeeOther)
}

// encryptionKeyPEM downloads the client-side encryption public key.
func (s *Server) encryptionKeyPEM(w http.ResponseWriter, r *http.Request, q *request) {
	k, err := s.eng.EncryptionKey(r.Context(), q.actor)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Disposition", `attachment; filename="paygate-`+string(q.actor.Mode)+`-`+k.ID+`.pem"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write([]byte(k.PublicPEM))
}

type webhooksView struct {
	view
	Endpoints  []*webhook.Endpoint
	Deliveries []*webhook.Delivery
	URLs       map[string]string
	Endpoint   string
	// Types are the event types the new-endpoint form offers; F refills it.
	Types   []string
	Checked map[string]bool
	F       url.Values
	// NewSecret is a new endpoint's signing secret, shown once.
	NewSecret, NewEndpoint string
}

// webhooks lists the endpoints and the newest deliveries, of one endpoint
// when ?endpoint= names it.
func (s *Server) webhooks(w http.ResponseWriter, r *http.Request, q *request) {
	v := &webhooksView{view: view{Title: "Webhooks", Nav: "webhooks", Notice: notices[r.URL.Query().Get("done")]}}
	s.webhooksPage(w, r, q, v, http.StatusOK)
}

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request, q *request, v *webhooksView, status int) {
	ctx := r.Context()
	v.URLs, v.Endpoint, v.Types = map[string]string{}, r.URL.Query().Get("endpoint"), webhook.Types
	if v.F == nil {
		v.F = url.Values{}
	}
	v.Checked = map[string]bool{}
	for _, t := range v.F["event_types"] {
		v.Checked[t] = true
	}
	var err error
	if v.Endpoints, err = s.eng.ListWebhookEndpoints(ctx, q.actor); err != nil {
		s.fail(w, r, q, err)
		return
	}
	for _, ep := range v.Endpoints {
		v.URLs[ep.ID] = ep.URL
	}
	if v.Deliveries, err = s.eng.ListDeliveries(ctx, q.actor, engine.DeliveryFilter{EndpointID: v.Endpoint, Limit: 100}); err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.renderFor(w, r, q, status, "webhooks", v)
}

func (s *Server) resendDelivery(w http.ResponseWriter, r *http.Request, q *request) {
	d, err := s.eng.ResendDelivery(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	back := "/dashboard/webhooks?done=resend&endpoint=" + url.QueryEscape(d.EndpointID)
	if p := r.PostForm.Get("payment"); strings.HasPrefix(p, "pay_") {
		back = "/dashboard/payments/" + url.PathEscape(p) + "?done=resend"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type eventsView struct {
	view
	Events []*webhook.Event
	Next   string
}

// events is the event log, newest first, without payloads (a payload is
// the API's object: fetch it with the API when needed).
func (s *Server) events(w http.ResponseWriter, r *http.Request, q *request) {
	evs, err := s.eng.ListEvents(r.Context(), q.actor, engine.EventFilter{StartingAfter: r.URL.Query().Get("after"), Limit: pageSize + 1})
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &eventsView{view: view{Title: "Events", Nav: "events"}}
	if len(evs) > pageSize {
		evs = evs[:pageSize]
		v.Next = url.Values{"after": {evs[pageSize-1].ID}}.Encode()
	}
	v.Events = evs
	s.renderFor(w, r, q, http.StatusOK, "events", v)
}

type auditView struct {
	view
	Events []*audit.Event
	Next   string
	// Emails names the team's people by user id: an act by a person shows
	// who, not an id.
	Emails map[string]string
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, q *request) {
	evs, err := s.eng.ListAuditEvents(r.Context(), q.actor, engine.AuditFilter{StartingAfter: r.URL.Query().Get("after"), Limit: pageSize + 1})
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &auditView{view: view{Title: "Audit log", Nav: "audit"}}
	if len(evs) > pageSize {
		evs = evs[:pageSize]
		v.Next = url.Values{"after": {evs[pageSize-1].ID}}.Encode()
	}
	v.Events, v.Emails = evs, map[string]string{}
	if us, err := s.eng.ListUsers(r.Context(), q.actor); err == nil {
		for _, u := range us {
			v.Emails[u.ID] = u.Email
		}
	}
	s.renderFor(w, r, q, http.StatusOK, "audit", v)
}
