package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

// csrfToken is derived from the session secret, so it needs no storage and
// dies with the session; a page from another origin can read neither.
func csrfToken(session string) string {
	sum := sha256.Sum256([]byte("paygate-csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

var errCSRF = fault.New(fault.Forbidden, "csrf_failed", "send the session's CSRF token in the X-CSRF-Token header, from this origin")

// checkCSRF guards cookie-authenticated requests that change something: the
// request must carry the session's CSRF token and, when the browser says
// where it comes from, come from this origin.
func checkCSRF(r *http.Request, session string) error {
	if err := sameOrigin(r); err != nil {
		return err
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(session))) != 1 {
		return errCSRF
	}
	return nil
}

func sameOrigin(r *http.Request) error {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" && r.Method == http.MethodGet {
		return nil
	}
	u, err := url.Parse(o)
	if err != nil || u.Host != r.Host {
		return errCSRF
	}
	return nil
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

type sessionJSON struct {
	Object    string   `json:"object"`
	User      userJSON `json:"user"`
	CSRFToken string   `json:"csrf_token"`
}

// login is POST /dashboard/login (JSON or form): it opens a session in a
// cookie the page's scripts cannot read, and answers the CSRF token.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	ip := clientIP(r)
	if !s.limits.allowAuth(w, r, ip) {
		return
	}
	if err := sameOrigin(r); err != nil {
		writeProblem(w, r, err)
		return
	}
	var req loginRequest
	body, err := readRaw(r, 8<<10)
	if err == nil {
		switch mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
		case "application/x-www-form-urlencoded":
			var form url.Values
			if form, err = url.ParseQuery(string(body)); err != nil {
				err = fault.New(fault.Invalid, "malformed_body", "the form body is malformed")
			}
			req = loginRequest{Email: form.Get("email"), Password: form.Get("password"), TOTP: form.Get("totp")}
		case "application/json":
			err = decodeJSON(body, &req)
		default:
			err = &fault.Error{Kind: fault.Invalid, Code: "unsupported_media_type", Param: "Content-Type",
				Message: "send the sign-in as application/json or a form"}
		}
	}
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	done, wait, ok := s.limits.allowLogin(r.Context(), req.Email, ip)
	if !ok {
		retryAfter(w, wait)
		writeProblem(w, r, errLoginBlocked)
		return
	}
	defer done()
	secret, u, err := s.engine.Login(r.Context(), engine.LoginInput{Email: req.Email, Password: req.Password, TOTP: req.TOTP,
		Source: engine.Source{IP: ip, RequestID: requestID(r.Context())}})
	if fault.As(err).Code != "totp_required" {
		s.limits.loginResult(req.Email, ip, err)
	}
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.sessionTTL / time.Second)})
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, http.StatusOK, mustJSON(sessionJSON{Object: "session", User: userView(u, ""), CSRFToken: csrfToken(secret)}))
}

// sessionSecret returns the cookie of a session-authenticated request.
func sessionSecret(r *http.Request) (string, error) {
	if r.Header.Get("Authorization") != "" {
		return "", fault.New(fault.Forbidden, "session_required", "this route is for a signed-in dashboard session")
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", errInvalidSessionCookie
	}
	return c.Value, nil
}

var errInvalidSessionCookie = fault.New(fault.Unauthorized, "invalid_session", "sign in first")

func (s *Server) currentSession(w http.ResponseWriter, r *http.Request) {
	secret, err := sessionSecret(r)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	a := actorOf(r.Context())
	u, err := s.engine.GetUser(r.Context(), a, a.Principal.UserID)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, http.StatusOK, mustJSON(sessionJSON{Object: "session", User: userView(u, ""), CSRFToken: csrfToken(secret)}))
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	secret, err := sessionSecret(r)
	if err == nil {
		err = s.engine.Logout(r.Context(), actorOf(r.Context()), secret)
	}
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	s.auth.clear()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) beginTOTP(w http.ResponseWriter, r *http.Request) {
	if _, err := sessionSecret(r); err != nil {
		writeProblem(w, r, err)
		return
	}
	secret, uri, err := s.engine.BeginTOTP(r.Context(), actorOf(r.Context()))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, http.StatusOK, mustJSON(map[string]string{"object": "totp_setup", "secret": secret, "otpauth_uri": uri}))
}

func (s *Server) enableTOTP(w http.ResponseWriter, r *http.Request) {
	if _, err := sessionSecret(r); err != nil {
		writeProblem(w, r, err)
		return
	}
	body, _, ok := s.post(w, r, false)
	if !ok {
		return
	}
	var req struct {
		Code string `json:"code"`
	}
	if err := decodeJSON(body, &req); err != nil {
		writeProblem(w, r, err)
		return
	}
	if err := s.engine.EnableTOTP(r.Context(), actorOf(r.Context()), req.Code); err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(map[string]any{"object": "totp", "enabled": true}))
}
