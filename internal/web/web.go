package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
)

// Config wires the pages.
type Config struct {
	Engine *engine.Engine
	Logger *slog.Logger
	// CSRFKey signs form tokens; instances behind one load balancer must
	// share it. Empty: a random key per process.
	CSRFKey []byte
	Now     func() time.Time
}

// Server serves the browser-facing pages.
type Server struct {
	eng    *engine.Engine
	log    *slog.Logger
	assets *assets
	pages  map[string]*template.Template
	csrf   []byte
	now    func() time.Time
	mux    *http.ServeMux
}

// Prefixes are the paths the pages own, for mounting beside the API.
var Prefixes = []string{"/checkout/", "/fields/", "/static/", "/sandbox/", "/i/"}

// New builds the pages.
func New(cfg Config) *Server {
	s := &Server{eng: cfg.Engine, log: cfg.Logger, assets: loadAssets(), csrf: cfg.CSRFKey, now: cfg.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if len(s.csrf) == 0 {
		s.csrf = make([]byte, 32)
		rand.Read(s.csrf)
	}
	s.pages = s.assets.pages()
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /static/{file}", s.assets.serve)
	s.mux.HandleFunc("GET /checkout/{token}", s.checkoutPage)
	s.mux.HandleFunc("POST /checkout/{token}", s.checkoutPay)
	s.mux.HandleFunc("GET /checkout/return/{session}", s.checkoutReturn)
	s.mux.HandleFunc("GET /checkout/thanks", s.thanks)
	s.mux.HandleFunc("GET /checkout/qr/{token}", s.checkoutQR)
	s.mux.HandleFunc("GET /i/{token}", s.invoiceLink)
	s.mux.HandleFunc("GET /i/qr/{token}", s.invoiceQR)
	s.mux.HandleFunc("GET /fields/frame", s.fieldFrame)
	s.mux.HandleFunc("GET /sandbox/3ds/{challenge}", s.acsPage)
	s.mux.HandleFunc("POST /sandbox/3ds/{challenge}", s.acsSubmit)
	return s
}

// Handler returns the pages' handler.
func (s *Server) Handler() http.Handler { return s.mux }

// policy is one page's security headers.
type policy struct {
	// frameAncestors may embed the page; empty means nobody.
	frameAncestors []string
	// formTargets are origins a form on the page may post or redirect to,
	// besides the page's own.
	formTargets []string
}

func newNonce() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// secure writes the security headers of a page and returns its script nonce.
func (s *Server) secure(w http.ResponseWriter, r *http.Request, p policy) string {
	nonce := newNonce()
	fa := "'none'"
	if len(p.frameAncestors) > 0 {
		fa = strings.Join(p.frameAncestors, " ")
	}
	forms := []string{"'self'"}
	for _, t := range p.formTargets {
		if !slices.Contains(forms, t) {
			forms = append(forms, t)
		}
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action "+strings.Join(forms, " ")+"; frame-ancestors "+fa+"; base-uri 'none'; object-src 'none'")
	if len(p.frameAncestors) == 0 {
		h.Set("X-Frame-Options", "DENY")
	}
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	// same-origin: the checkout token in the URL never leaves paygate in a
	// Referer, while paygate's own forms keep their Origin header.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), usb=()")
	if isHTTPS(r) {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	return nonce
}

func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// originOf returns the scheme://host of an absolute URL, or "".
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// csrfToken binds a form to its action and a time: "unix.hmac".
func (s *Server) csrfToken(action string) string {
	ts := strconv.FormatInt(s.now().Unix(), 10)
	return ts + "." + s.csrfMAC(action, ts)
}

func (s *Server) csrfMAC(action, ts string) string {
	m := hmac.New(sha256.New, s.csrf)
	m.Write([]byte(action + "|" + ts))
	return hex.EncodeToString(m.Sum(nil))
}

// checkCSRF accepts a form post only from paygate's own pages: the Origin
// (or, without one, Sec-Fetch-Site) must be this host, and the form's token
// must be this action's, less than two hours old.
func (s *Server) checkCSRF(r *http.Request, action string) bool {
	site := r.Header.Get("Sec-Fetch-Site")
	switch o := r.Header.Get("Origin"); {
	case o != "" && o != "null":
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			return false
		}
	case site != "" && site != "same-origin":
		return false
	}
	ts, mac, ok := strings.Cut(r.PostForm.Get("csrf"), ".")
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || s.now().Sub(time.Unix(n, 0)) > 2*time.Hour {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(s.csrfMAC(action, ts)))
}

// view is what the layout needs of every page.
type view struct {
	Lang, Dir, Title, Nonce, BodyClass string
	BodyData                           map[string]string
	Scripts                            []string
	T                                  map[string]string
}

func (s *Server) render(w http.ResponseWriter, status int, page string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.pages[page].ExecuteTemplate(w, "layout", data); err != nil {
		s.log.Error("render page", "page", page, "err", err)
	}
}

type messageView struct {
	view
	Merchant, Heading, Text, LinkURL, LinkText string
}

// message renders a short page: a heading, a sentence and maybe a link.
func (s *Server) message(w http.ResponseWriter, r *http.Request, status int, lang, merchant, heading, text, link string, pol policy) {
	t := textsFor(lang)
	nonce := s.secure(w, r, pol)
	s.render(w, status, "message", messageView{view: view{Lang: lang, Dir: dirOf(lang), Title: heading, Nonce: nonce, T: t},
		Merchant: merchant, Heading: heading, Text: text, LinkURL: link, LinkText: t["backToShop"]})
}
