package dashboard

import (
	"net/http"

	"github.com/paygate/paygate/internal/fault"
)

type passwordView struct {
	view
	// ErrorField names the input the error is about, for its aria-invalid.
	ErrorField string
}

// passwordPage offers the signed-in person to change their own password.
func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request, q *request) {
	s.renderFor(w, r, q, http.StatusOK, "password", &passwordView{view: view{Title: "Password", Notice: notices[r.URL.Query().Get("done")]}})
}

// changePassword is the engine's ChangePassword, with the sign-in form's
// limiter on wrong current passwords: a stolen session cannot be used to
// guess the password at speed.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, q *request) {
	ip := clientIP(r)
	v := &passwordView{view: view{Title: "Password"}}
	done, wait, ok := s.limiter.allow(r.Context(), q.user.Email, ip)
	if !ok {
		w.Header().Set("Retry-After", wait)
		v.Error, v.ErrorField = "Too many wrong passwords. Wait a moment before trying again.", "current_password"
		s.renderFor(w, r, q, http.StatusTooManyRequests, "password", v)
		return
	}
	defer done()
	next := r.PostForm.Get("new_password")
	if next != r.PostForm.Get("confirm_password") {
		v.Error, v.ErrorField = "The new password and its confirmation differ.", "confirm_password"
		s.renderFor(w, r, q, http.StatusBadRequest, "password", v)
		return
	}
	err := s.eng.ChangePassword(r.Context(), q.actor, r.PostForm.Get("current_password"), next)
	if err == nil {
		s.limiter.succeeded(q.user.Email, ip)
		http.Redirect(w, r, "/dashboard/password?done=password", http.StatusSeeOther)
		return
	}
	f := fault.As(err)
	if f == nil || f.Kind != fault.Invalid {
		s.fail(w, r, q, err)
		return
	}
	if f.Code == "password_incorrect" {
		s.limiter.failed(q.user.Email, ip)
	}
	v.Error, v.ErrorField = f.Message, f.Param
	s.renderFor(w, r, q, http.StatusBadRequest, "password", v)
}
