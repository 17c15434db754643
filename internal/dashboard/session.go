package dashboard

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// sessionCookie is the API's session cookie (internal/api): one sign-in
// serves the pages and the JSON endpoints. __Host- makes browsers insist on
// Secure, Path=/ and no Domain.
const sessionCookie = "__Host-paygate_session"

// modeCookie remembers the mode the person looks at. It is not a secret: it
// picks which of the merchant's two books the session reads, as the API's
// Paygate-Mode header does.
const modeCookie = "__Host-paygate_mode"

// csrfToken is the API's derivation (internal/api/dashboard.go): derived
// from the session secret, so it needs no storage, dies with the session and
// is the same token the JSON endpoints take in X-CSRF-Token.
func csrfToken(session string) string {
	sum := sha256.Sum256([]byte("paygate-csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// request is a signed-in person's request.
type request struct {
	actor  engine.Actor
	user   *auth.User
	secret string
}

func (q *request) can(p auth.Permission) bool { return q.actor.Principal.Perms.Has(p) }

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func modeOf(r *http.Request) payment.Mode {
	if c, err := r.Cookie(modeCookie); err == nil && c.Value == string(payment.Live) {
		return payment.Live
	}
	return payment.Sandbox
}

// sameOrigin refuses a request another site's page sent: the Origin, when
// the browser gives one, must be this host, and Sec-Fetch-Site, when given,
// same-origin.
func sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	site := r.Header.Get("Sec-Fetch-Site")
	return site == "" || site == "same-origin" || site == "none"
}

// signed authenticates the session cookie, checks CSRF on posts and the
// page's permission, then calls next. Without a session a page redirects to
// the sign-in page; without the permission it answers 403 even to a forged
// request for a button the page never showed.
func (s *Server) signed(need auth.Permission, next func(http.ResponseWriter, *http.Request, *request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil {
			s.toSignIn(w, r)
			return
		}
		a, err := s.eng.AuthenticateSession(r.Context(), c.Value, modeOf(r), engine.Source{IP: clientIP(r)})
		if err != nil {
			if fault.KindOf(err) == fault.Unauthorized {
				s.toSignIn(w, r)
				return
			}
			s.fail(w, r, nil, err)
			return
		}
		q := &request{actor: a, secret: c.Value}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
			got := r.PostFormValue("csrf")
			if !sameOrigin(r) || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(c.Value))) != 1 {
				s.problem(w, r, q, http.StatusForbidden, "Request refused", "This form is out of date or did not come from the dashboard. Reload the page and try again.")
				return
			}
		}
		if q.user, err = s.eng.GetUser(r.Context(), a, a.Principal.UserID); err != nil {
			s.fail(w, r, nil, err)
			return
		}
		if need != "" && !q.can(need) {
			s.problem(w, r, q, http.StatusForbidden, "Not allowed", "Your role does not allow this ("+string(need)+"). Ask a team owner or admin.")
			return
		}
		next(w, r, q)
	}
}

func (s *Server) toSignIn(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		s.problem(w, r, nil, http.StatusUnauthorized, "Signed out", "Your session has ended. Sign in again.")
		return
	}
	next := r.URL.Path
	if r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, "/dashboard/sign-in?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// safeNext keeps a post-sign-in redirect on the dashboard.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/dashboard/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/dashboard/"
	}
	return next
}

type signInView struct {
	view
	Email, Next string
	TOTPNeeded  bool
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signin", &signInView{view: view{Title: "Sign in"}, Next: safeNext(r.URL.Query().Get("next"))})
}

// signIn opens a session with the engine's Login, exactly as the API's
// POST /dashboard/login does, and sets the same cookie.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil || !sameOrigin(r) {
		s.problem(w, r, nil, http.StatusForbidden, "Request refused", "Sign in from the dashboard's own page.")
		return
	}
	email, ip := strings.TrimSpace(r.PostForm.Get("email")), clientIP(r)
	v := &signInView{view: view{Title: "Sign in"}, Email: email, Next: safeNext(r.PostForm.Get("next"))}
	done, wait, ok := s.limiter.allow(r.Context(), email, ip)
	if !ok {
		w.Header().Set("Retry-After", wait)
		v.Error = "Too many failed attempts. Wait a moment before trying again."
		s.render(w, r, http.StatusTooManyRequests, "signin", v)
		return
	}
	defer done()
	secret, _, err := s.eng.Login(r.Context(), engine.LoginInput{Email: email, Password: r.PostForm.Get("password"),
		TOTP: strings.TrimSpace(r.PostForm.Get("totp")), Source: engine.Source{IP: ip}})
	if err != nil {
		code := fault.As(err).Code
		switch {
		case code == "totp_required":
			v.TOTPNeeded, v.Error = true, "This account has two-factor authentication: enter your password again and the code from your authenticator app."
		case fault.KindOf(err) == fault.Unauthorized:
			s.limiter.failed(email, ip)
			v.TOTPNeeded = code == "invalid_totp"
			v.Error = "The email, password or code is not right."
		default:
			s.fail(w, r, nil, err)
			return
		}
		s.render(w, r, http.StatusUnauthorized, "signin", v)
		return
	}
	s.limiter.succeeded(email, ip)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.sessionTTL / time.Second)})
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, q *request) {
	if err := s.eng.Logout(r.Context(), q.actor, q.secret); err != nil {
		s.fail(w, r, q, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/dashboard/sign-in", http.StatusSeeOther)
}

// switchMode flips between sandbox and live; the page comes back in the new mode.
func (s *Server) switchMode(w http.ResponseWriter, r *http.Request, q *request) {
	mode := payment.Mode(r.PostForm.Get("mode"))
	if mode != payment.Sandbox && mode != payment.Live {
		s.problem(w, r, q, http.StatusBadRequest, "Unknown mode", "Choose sandbox or live.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: modeCookie, Value: string(mode), Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.sessionTTL / time.Second)})
	back := safeNext(r.PostForm.Get("back"))
	if strings.HasPrefix(back, "/dashboard/payments/") {
		back = "/dashboard/payments" // a payment belongs to one mode
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
