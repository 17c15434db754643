package api

import (
	"net/http"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
)

type keyJSON struct {
	ID     string   `json:"id"`
	Object string   `json:"object"`
	Mode   string   `json:"mode"`
	Kind   string   `json:"kind"`
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
	// Hint is the prefix and last four characters; the secret is only in
	// Secret, on the answer that created it.
	Hint      string  `json:"hint"`
	Status    string  `json:"status"`
	ExpiresAt *string `json:"expires_at"`
	CreatedAt string  `json:"created_at"`
	// CreatedBy is the person the key acts for (null: made by the system).
	CreatedBy *string `json:"created_by"`
	Secret    string  `json:"secret,omitempty"`
}

type listOf[T any] struct {
	Object     string  `json:"object"`
	Data       []T     `json:"data"`
	HasMore    bool    `json:"has_more"`
	NextCursor *string `json:"next_cursor"`
}

func newList[T any](data []T) listOf[T] {
	if data == nil {
		data = []T{}
	}
	return listOf[T]{Object: "list", Data: data}
}

func keyView(k *auth.APIKey, secret string, now time.Time) keyJSON {
	scopes := []string{}
	for _, s := range auth.KeyScopes(k) {
		scopes = append(scopes, string(s))
	}
	v := keyJSON{ID: k.ID, Object: "api_key", Mode: string(k.Mode), Kind: string(k.Kind), Name: k.Name, Scopes: scopes,
		Hint: k.Hint, Status: "active", CreatedAt: ts(k.CreatedAt), Secret: secret}
	if k.CreatedBy != "" {
		v.CreatedBy = &k.CreatedBy
	}
	if k.RevokedAt != nil {
		t := ts(*k.RevokedAt)
		v.ExpiresAt = &t
		v.Status = "expiring"
		if !k.Active(now) {
			v.Status = "revoked"
		}
	}
	return v
}

type createKeyRequest struct {
	Kind   string   `json:"kind"`
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[createKeyRequest](s, w, r, true)
	if !ok {
		return
	}
	k, secret, err := s.engine.CreateKey(r.Context(), actorOf(r.Context()), engine.CreateKeyInput{Kind: req.Kind, Name: req.Name, Scopes: req.Scopes})
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusCreated, mustJSON(keyView(k, secret, time.Now())))
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) {
	ks, err := s.engine.ListKeys(r.Context(), actorOf(r.Context()))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	now := time.Now()
	var out []keyJSON
	for _, k := range ks {
		out = append(out, keyView(k, "", now))
	}
	writeBody(w, http.StatusOK, mustJSON(newList(out)))
}

func (s *Server) getKey(w http.ResponseWriter, r *http.Request) {
	k, err := s.engine.GetKey(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(keyView(k, "", time.Now())))
}

type rollKeyRequest struct {
	OverlapSeconds int64 `json:"overlap_seconds"`
}

func (s *Server) rollKey(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[rollKeyRequest](s, w, r, true)
	if !ok {
		return
	}
	k, secret, err := s.engine.RollKey(r.Context(), actorOf(r.Context()), r.PathValue("id"), time.Duration(req.OverlapSeconds)*time.Second)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	s.auth.clear()
	writeBody(w, http.StatusCreated, mustJSON(keyView(k, secret, time.Now())))
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) {
	body, _, ok := s.post(w, r, true)
	if !ok {
		return
	}
	var req struct{}
	if err := decodeJSON(body, &req); err != nil {
		writeProblem(w, r, err)
		return
	}
	k, err := s.engine.RevokeKey(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	// Forget cached credentials so the key stops on this node at once;
	// other nodes stop within the cache's TTL.
	s.auth.clear()
	writeBody(w, http.StatusOK, mustJSON(keyView(k, "", time.Now())))
}
