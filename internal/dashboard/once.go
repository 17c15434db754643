package dashboard

import (
	"net/http"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

// onceForm makes a form's act happen at most once per rendering of the
// form: the form carries a fresh token (view.Once), claimed as an
// Idempotency-Key for the act. A reload of the answer, a second click or a
// replayed post finds the token used and is sent to back with a notice
// instead of creating a second invoice, endpoint or key, or resetting a
// password again. Only the place to go is kept for the token, never the
// answer (it may show a secret). A refused act (not 2xx or 3xx) frees the token,
// so the corrected form can be sent again. A post without a token (an
// older page) acts as before.
func (s *Server) onceForm(back func(*http.Request) string, h func(http.ResponseWriter, *http.Request, *request)) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, q *request) {
		token := r.PostForm.Get("once")
		if token == "" || len(token) > 64 {
			h(w, r, q)
			return
		}
		if r.PostForm.Get("step") == "review" {
			h(w, r, q) // a confirmation page acts on nothing
			return
		}
		idem := &engine.Idempotency{Key: "dash_form_" + token, Fingerprint: "dashboard " + r.URL.Path}
		ran := false
		replay, err := s.eng.Once(r.Context(), q.actor, idem, func() (int, []byte) {
			ran = true
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			h(sw, r, q)
			if sw.status >= 300 && sw.status < 400 {
				// Acted, then sent on (303 to the object's page): done.
				return http.StatusOK, []byte(back(r))
			}
			return sw.status, []byte(back(r))
		}, nil)
		switch {
		case err != nil && ran:
			// Answered already; only the token's record failed.
			s.log.Error("dashboard form token", "path", r.URL.Path, "err", err)
		case fault.KindOf(err) == fault.IdempotencyInProgress:
			// A second click while the first is still running: the first
			// answer (which may show a secret) went to the discarded page.
			s.problem(w, r, q, http.StatusConflict, "Already being sent",
				"This form is already being sent. If its answer showed a secret you did not get to see (a key, a signing secret, a password), "+
					"it is not shown again: roll the key, or reset the password, once this has finished.")
		case err != nil:
			s.fail(w, r, q, err)
		case replay != nil:
			to := string(replay.Body)
			if !strings.HasPrefix(to, "/dashboard") {
				to = "/dashboard/"
			}
			sep := "?"
			if strings.Contains(to, "?") {
				sep = "&"
			}
			http.Redirect(w, r, to+sep+"done=replay", http.StatusSeeOther)
		}
	}
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// to is a fixed place to go back to.
func to(path string) func(*http.Request) string { return func(*http.Request) string { return path } }

// upTo is the request's path before its last part starting with suffix
// (".../invoices/inv_1/send" → ".../invoices/inv_1"): the object's page.
func upTo(suffix string) func(*http.Request) string {
	return func(r *http.Request) string {
		if i := strings.LastIndex(r.URL.Path, suffix); i > 0 {
			return r.URL.Path[:i]
		}
		return "/dashboard/"
	}
}
