package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

// rollOverlaps are the choices the roll form offers for how long the old
// key keeps working (the engine takes 0 to engine.MaxRollOverlap).
var rollOverlaps = []struct {
	Seconds int
	Label   string
}{{0, "stops now"}, {3600, "works 1 more hour"}, {86400, "works 24 more hours"}, {int(engine.MaxRollOverlap / time.Second), "works 7 more days"}}

func overlapLabel(secs int) string {
	for _, o := range rollOverlaps {
		if o.Seconds == secs {
			return o.Label
		}
	}
	return "works " + strconv.Itoa(secs) + " more seconds"
}

// rollKey replaces a key with a new one of the same kind, name and scopes
// (manage_keys, as the API's POST /v1/api-keys/{id}/roll) in two steps: the
// key's Roll… button asks, and only "Yes, roll the key" rolls it; the new
// secret is shown on that one answer (no-store). A key that is already
// ending (revoked or rolled) is not rolled again, so a double click or a
// reload of the confirmation makes no second key.
func (s *Server) rollKey(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	k, err := s.eng.GetKey(ctx, q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	text := r.PostForm.Get("overlap")
	secs, err := strconv.Atoi(text)
	if err != nil || secs < 0 || time.Duration(secs)*time.Second > engine.MaxRollOverlap {
		s.fail(w, r, q, fault.InvalidParam("overlap", "parameter_invalid", "overlap must be between 0 and %d seconds", int(engine.MaxRollOverlap.Seconds())))
		return
	}
	if k.RevokedAt != nil {
		s.fail(w, r, q, fault.New(fault.Conflict, "api_key_ending", "key %s was already revoked or rolled; roll its replacement instead", k.Hint))
		return
	}
	if r.PostForm.Get("step") != "confirm" {
		name := ""
		if k.Name != "" {
			name = " (" + k.Name + ")"
		}
		s.renderFor(w, r, q, http.StatusOK, "ask", &askView{view: view{Title: "Roll API key", Nav: "developers"},
			Heading: "Roll API key",
			Text: "Roll the " + string(k.Kind) + " key " + k.Hint + name + "? A new key with the same kind, name and scopes is made and shown once; " +
				"the old key " + overlapLabel(secs) + ".",
			Action: "/dashboard/developers/keys/" + url.PathEscape(k.ID) + "/roll", Button: "Yes, roll the key", Back: "/dashboard/developers",
			Fields: map[string]string{"overlap": text}})
		return
	}
	fresh, secret, err := s.eng.RollKey(ctx, q.actor, k.ID, time.Duration(secs)*time.Second)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &developersView{view: view{Title: "Developers", Nav: "developers",
		Notice: "The key " + k.Hint + " was rolled; it " + overlapLabel(secs) + ". Copy the new key now: it is not shown again."},
		NewKey: secret, NewKeyHint: fresh.Hint}
	s.developersPage(w, r, q, v, http.StatusCreated)
}
