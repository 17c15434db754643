package dashboard

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	qrcode "github.com/skip2/go-qrcode"
)

// twoFactorView is the signed-in person's own two-factor page. Secret and
// URI are set while a setup is pending: the person's own new secret, shown
// on a no-store page so they can add it to an authenticator app.
type twoFactorView struct {
	view
	Enabled bool
	Secret  string
	// URI is the otpauth: link; html/template would refuse its scheme, and
	// auth.TOTPURI builds it from escaped parts.
	URI template.URL
	// QR is the URI as a QR code (a data: PNG) for the phone's camera.
	QR template.URL
}

// totpQR draws the otpauth: URI as a QR code, inline: the page's images
// are same-origin or data: only, and the secret must not travel to another
// URL (or a cache) just to be drawn.
func totpQR(uri string) template.URL {
	png, err := qrcode.Encode(uri, qrcode.Medium, 224)
	if err != nil {
		return ""
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}

// twoFactor shows whether the person's second factor is on, and offers to
// set it up (any signed-in person, for themselves only).
func (s *Server) twoFactor(w http.ResponseWriter, r *http.Request, q *request) {
	v := &twoFactorView{view: view{Title: "Two-factor authentication", Notice: notices[r.URL.Query().Get("done")]}, Enabled: q.user.TOTPEnabled}
	s.renderFor(w, r, q, http.StatusOK, "twofactor", v)
}

// beginTwoFactor makes a new secret (the engine's BeginTOTP, as the API's
// POST /dashboard/totp/setup) and shows it with the code form.
func (s *Server) beginTwoFactor(w http.ResponseWriter, r *http.Request, q *request) {
	secret, uri, err := s.eng.BeginTOTP(r.Context(), q.actor)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.renderFor(w, r, q, http.StatusOK, "twofactor", &twoFactorView{view: view{Title: "Two-factor authentication"}, Secret: secret, URI: template.URL(uri), QR: totpQR(uri)})
}

// enableTwoFactor turns the second factor on once a code from the new
// secret matches; a wrong code shows the same secret again.
func (s *Server) enableTwoFactor(w http.ResponseWriter, r *http.Request, q *request) {
	err := s.eng.EnableTOTP(r.Context(), q.actor, strings.TrimSpace(r.PostForm.Get("code")))
	if err == nil {
		http.Redirect(w, r, "/dashboard/two-factor?done=totp-on", http.StatusSeeOther)
		return
	}
	if fault.KindOf(err) != fault.Invalid || q.user.TOTPSecret == "" {
		s.fail(w, r, q, err)
		return
	}
	v := &twoFactorView{view: view{Title: "Two-factor authentication", Error: fault.As(err).Message},
		Secret: q.user.TOTPSecret, URI: template.URL(auth.TOTPURI("paygate", q.user.Email, q.user.TOTPSecret)),
		QR: totpQR(auth.TOTPURI("paygate", q.user.Email, q.user.TOTPSecret))}
	s.renderFor(w, r, q, http.StatusBadRequest, "twofactor", v)
}
