package dashboard

import (
	"crypto/rand"
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

//go:embed static/*
var staticFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// pages are the parsed templates (each page with the layout) and the
// static files with their Subresource Integrity hashes.
type pages struct {
	tmpl  map[string]*template.Template
	files map[string][]byte
	sri   map[string]string
}

func loadPages() *pages {
	p := &pages{tmpl: map[string]*template.Template{}, files: map[string][]byte{}, sri: map[string]string{}}
	entries, _ := fs.ReadDir(staticFS, "static")
	for _, e := range entries {
		b, _ := staticFS.ReadFile("static/" + e.Name())
		sum := sha512.Sum384(b)
		p.files[e.Name()] = b
		p.sri[e.Name()] = "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
	}
	funcs := template.FuncMap{
		"sri":       func(name string) string { return p.sri[name] },
		"money":     formatMoney,
		"when":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"day":       func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"timeattr":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"sub":       func(a, b int) int { return a - b },
		"hasPrefix": strings.HasPrefix,
		// query marks an encoded query (url.Values.Encode) as safe in an
		// href after "?": without it html/template escapes its = and &.
		"query": func(v string) template.URL { return template.URL(v) },
	}
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	pageFiles, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range pageFiles {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		p.tmpl[name] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, f))
	}
	return p
}

func (p *pages) serveAsset(w http.ResponseWriter, r *http.Request) {
	name := path.Base(r.PathValue("file"))
	b, ok := p.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=300")
	w.Write(b)
}

// formatMoney writes minor units as "USD 12.34", or the bare number for an
// unknown currency code.
func formatMoney(minor int64, code string) string {
	c, err := money.Lookup(code)
	if err != nil {
		return strconv.FormatInt(minor, 10) + " " + code
	}
	return c.Code + " " + money.Format(minor, c)
}

// view is what the layout needs of every page.
type view struct {
	Title, Nonce, Nav, CSRF, Mode, Path string
	// Lang and Dir are the chrome's language and direction; T its words.
	Lang, Dir     string
	T             map[string]string
	Languages     []struct{ Code, Name string }
	User          string
	Error, Notice string
	// Can holds the person's permissions, to show only the links and
	// buttons they may use (the server checks again on every request).
	Can map[string]bool
	// Once is a fresh token for the page's forms whose act must not repeat
	// on a reload or a second click (see onceForm).
	Once string
}

func (v *view) base() *view { return v }

type page interface{ base() *view }

func newNonce() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// secure writes a page's security headers and returns its script nonce.
func secure(w http.ResponseWriter, r *http.Request) string {
	nonce := newNonce()
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), usb=()")
	if r.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	return nonce
}

// render fills the layout's fields from the request and writes the page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data page) {
	s.renderFor(w, r, nil, status, name, data)
}

func (s *Server) renderFor(w http.ResponseWriter, r *http.Request, q *request, status int, name string, data page) {
	v := data.base()
	v.Nonce, v.Path, v.Mode = secure(w, r), r.URL.Path, string(modeOf(r))
	v.Lang = langOf(r)
	v.Dir, v.T, v.Languages = dirOf(v.Lang), chrome[v.Lang], languages
	v.Once = randomKey()
	if q != nil {
		v.CSRF, v.Mode = csrfToken(q.secret), string(q.actor.Mode)
		if q.user != nil {
			v.User = q.user.Email
		}
		v.Can = map[string]bool{}
		for _, p := range q.actor.Principal.Perms {
			v.Can[string(p)] = true
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.pages.tmpl[name].ExecuteTemplate(w, "layout", data); err != nil {
		s.log.Error("render dashboard page", "page", name, "err", err)
	}
}

type messageView struct {
	view
	Heading, Text string
}

// problem renders a short refusal or error page.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, q *request, status int, heading, text string) {
	s.renderFor(w, r, q, status, "message", &messageView{view: view{Title: heading}, Heading: heading, Text: text})
}

// fail maps an engine error to a page: the fault's own message for the
// person's mistakes and conflicts, a generic one (and a log line) otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, q *request, err error) {
	f := fault.As(err)
	status := http.StatusInternalServerError
	switch f.Kind {
	case fault.NotFound:
		status = http.StatusNotFound
	case fault.Invalid:
		status = http.StatusBadRequest
	case fault.Conflict, fault.IdempotencyInProgress, fault.IdempotencyMismatch:
		status = http.StatusConflict
	case fault.Declined:
		status = http.StatusPaymentRequired
	case fault.Forbidden:
		status = http.StatusForbidden
	case fault.Unauthorized:
		status = http.StatusUnauthorized
	case fault.Unavailable, fault.RateLimited:
		status = http.StatusServiceUnavailable
	}
	if status == http.StatusInternalServerError {
		s.log.Error("dashboard", "path", r.URL.Path, "err", err)
		s.problem(w, r, q, status, "Something went wrong", "The request could not be completed. Try again; if it keeps failing, check the server's log.")
		return
	}
	s.problem(w, r, q, status, statusHeading(langOf(r), status), f.Message)
}

// cardView is what a person may see of a card: brand and last four for
// everyone; first six, expiry and holder only with view_card_details.
// Nobody ever gets more: paygate keeps no more outside the vault, and the
// dashboard never opens the vault.
type cardView struct {
	Brand, First6, Last4, Expiry, Holder string
}

func cardFor(c payment.Card, q *request) cardView {
	v := cardView{Brand: c.Brand, Last4: c.Last4}
	if q.can(auth.PermViewCard) {
		v.First6, v.Holder = c.First6, c.Holder
		if c.ExpMonth > 0 {
			v.Expiry = strconv.Itoa(c.ExpMonth) + "/" + strconv.Itoa(c.ExpYear)
		}
	}
	return v
}
