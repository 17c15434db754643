package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

type auditJSON struct {
	ID        string            `json:"id"`
	Object    string            `json:"object"`
	Action    string            `json:"action"`
	Mode      *string           `json:"mode"`
	Actor     refJSON           `json:"actor"`
	Target    *refJSON          `json:"target"`
	IP        string            `json:"ip"`
	RequestID string            `json:"request_id"`
	Details   map[string]string `json:"details"`
	CreatedAt string            `json:"created_at"`
}

type refJSON struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

func auditView(e *audit.Event) auditJSON {
	v := auditJSON{ID: e.ID, Object: "audit_event", Action: string(e.Action), Mode: opt(e.Mode),
		Actor: refJSON{e.ActorType, e.ActorID}, IP: e.IP, RequestID: e.RequestID, Details: meta(e.Details), CreatedAt: ts(e.CreatedAt)}
	if e.TargetType != "" {
		v.Target = &refJSON{e.TargetType, e.TargetID}
	}
	return v
}

// listAuditEvents is GET /v1/audit-events: filter by action, actor, target
// and creation time, newest first, cursor-paginated.
func (s *Server) listAuditEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := engine.AuditFilter{Action: q.Get("action"), ActorID: q.Get("actor"), TargetID: q.Get("target"), StartingAfter: q.Get("starting_after"), Limit: 10}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeProblem(w, r, fault.InvalidParam("limit", "parameter_invalid", "limit must be an integer between 1 and 100"))
			return
		}
		f.Limit = n
	}
	for param, dst := range map[string]*time.Time{"created[gte]": &f.CreatedGTE, "created[lt]": &f.CreatedLT} {
		if v := q.Get(param); v != "" {
			t, err := parseTime(v)
			if err != nil {
				writeProblem(w, r, fault.InvalidParam(param, "parameter_invalid", "%s must be an RFC 3339 time or unix seconds", param))
				return
			}
			*dst = t
		}
	}
	want := f.Limit
	f.Limit++
	evs, err := s.engine.ListAuditEvents(r.Context(), actorOf(r.Context()), f)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	out := newList[auditJSON](nil)
	if len(evs) > want {
		evs, out.HasMore = evs[:want], true
		out.NextCursor = &evs[want-1].ID
	}
	for _, e := range evs {
		out.Data = append(out.Data, auditView(e))
	}
	writeBody(w, http.StatusOK, mustJSON(out))
}
