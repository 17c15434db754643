package api

import (
	"net/http"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
)

type userJSON struct {
	ID          string   `json:"id"`
	Object      string   `json:"object"`
	Email       string   `json:"email"`
	Name        string   `json:"name"`
	Role        string   `json:"role"`
	Permissions []string `json:"permissions"`
	// Effective is the role's permissions and the grants together.
	Effective   []string `json:"effective_permissions"`
	TOTPEnabled bool     `json:"totp_enabled"`
	Disabled    bool     `json:"disabled"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	// Password is set once, when paygate generated it.
	Password string `json:"password,omitempty"`
}

func userView(u *auth.User, password string) userJSON {
	return userJSON{ID: u.ID, Object: "user", Email: u.Email, Name: u.Name, Role: string(u.Role),
		Permissions: append([]string{}, u.Grants.Strings()...), Effective: u.Permissions().Strings(),
		TOTPEnabled: u.TOTPEnabled, Disabled: u.DisabledAt != nil, CreatedAt: ts(u.CreatedAt), UpdatedAt: ts(u.UpdatedAt), Password: password}
}

type createUserRequest struct {
	Email       string   `json:"email"`
	Name        string   `json:"name"`
	Role        string   `json:"role"`
	Permissions []string `json:"permissions"`
	Password    string   `json:"password"`
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[createUserRequest](s, w, r, false)
	if !ok {
		return
	}
	u, pw, err := s.engine.CreateUser(r.Context(), actorOf(r.Context()), engine.UserInput{Email: req.Email, Name: req.Name,
		Role: req.Role, Grants: req.Permissions, Password: req.Password})
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusCreated, mustJSON(userView(u, pw)))
}

type updateUserRequest struct {
	Name        *string   `json:"name"`
	Role        *string   `json:"role"`
	Permissions *[]string `json:"permissions"`
	Disabled    *bool     `json:"disabled"`
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[updateUserRequest](s, w, r, false)
	if !ok {
		return
	}
	u, err := s.engine.UpdateUser(r.Context(), actorOf(r.Context()), r.PathValue("id"),
		engine.UserUpdate{Name: req.Name, Role: req.Role, Grants: req.Permissions, Disabled: req.Disabled})
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	s.auth.clear()
	writeBody(w, http.StatusOK, mustJSON(userView(u, "")))
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	us, err := s.engine.ListUsers(r.Context(), actorOf(r.Context()))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	var out []userJSON
	for _, u := range us {
		out = append(out, userView(u, ""))
	}
	writeBody(w, http.StatusOK, mustJSON(newList(out)))
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	u, err := s.engine.GetUser(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(userView(u, "")))
}

// resetUserPassword is POST /v1/users/{id}/reset-password: a new generated
// password for someone who forgot theirs, in the answer once.
func (s *Server) resetUserPassword(w http.ResponseWriter, r *http.Request) {
	if _, ok := readJSON[struct{}](s, w, r, true); !ok {
		return
	}
	ctx, a := r.Context(), actorOf(r.Context())
	u, pw, err := s.engine.ResetPassword(ctx, a, r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(userView(u, pw)))
}
