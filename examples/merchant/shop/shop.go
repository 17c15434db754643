package shop

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

//go:embed pages/*
var pages embed.FS

// Config points the shop at a paygate.
type Config struct {
	// PaygateURL is paygate's base URL as the shop's server reaches it.
	PaygateURL string
	// BrowserPaygateURL is paygate's base URL as browsers reach it
	// (default PaygateURL).
	BrowserPaygateURL string
	SecretKey         string // sk_…: server side only
	PublishableKey    string // pk_…: safe in the page
	// Seen, if set, hears every request body the shop's server receives
	// (tests check that no card number arrives).
	Seen func(path string, body []byte)
}

type shop struct {
	cfg  Config
	tmpl *template.Template
	http *http.Client
}

// New returns the shop's handler.
func New(cfg Config) http.Handler {
	if cfg.BrowserPaygateURL == "" {
		cfg.BrowserPaygateURL = cfg.PaygateURL
	}
	s := &shop{cfg: cfg, tmpl: template.Must(template.ParseFS(pages, "pages/*.html")), http: &http.Client{Timeout: 30 * time.Second}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page("index.html", nil))
	mux.HandleFunc("POST /checkout", s.checkout)
	mux.HandleFunc("GET /success", s.success)
	mux.HandleFunc("GET /fields", s.page("fields.html", nil))
	mux.HandleFunc("POST /fields/pay", s.payWithToken)
	mux.HandleFunc("GET /encrypt", s.encryptPage)
	mux.HandleFunc("POST /encrypt/pay", s.payEncrypted)
	mux.HandleFunc("GET /shop.js", func(w http.ResponseWriter, r *http.Request) {
		b, _ := pages.ReadFile("pages/shop.js")
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(b)
	})
	return s.record(mux)
}

// record shows every request body to cfg.Seen.
func (s *shop) record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Seen != nil && r.Body != nil {
			b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			s.cfg.Seen(r.URL.Path, b)
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		h.ServeHTTP(w, r)
	})
}

func (s *shop) page(name string, data map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d := map[string]any{"Paygate": s.cfg.BrowserPaygateURL, "PublishableKey": s.cfg.PublishableKey}
		for k, v := range data {
			d[k] = v
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := s.tmpl.ExecuteTemplate(w, name, d); err != nil {
			http.Error(w, err.Error(), 500)
		}
	}
}

// api calls paygate with the secret key.
func (s *shop) api(method, path string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, strings.TrimRight(s.cfg.PaygateURL, "/")+path, rd)
	req.Header.Set("Authorization", "Bearer "+s.cfg.SecretKey)
	req.Header.Set("Content-Type", "application/json")
	if method == "POST" {
		req.Header.Set("Idempotency-Key", fmt.Sprintf("shop-%d", time.Now().UnixNano()))
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
}

func base(r *http.Request) string { return "http://" + r.Host }

// checkout creates a checkout session and sends the payer to paygate's page.
func (s *shop) checkout(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	var cs map[string]any
	status, err := s.api("POST", "/v1/checkout/sessions", map[string]any{
		"amount": 1500, "currency": r.PostForm.Get("currency"), "locale": r.PostForm.Get("locale"),
		"description": "Order 42", "reference": "order-42",
		"success_url": base(r) + "/success", "cancel_url": base(r) + "/",
	}, &cs)
	if err != nil || status != 201 {
		http.Error(w, fmt.Sprintf("paygate answered %d %v %v", status, cs, err), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, cs["url"].(string), http.StatusSeeOther)
}

// success shows the session's state as paygate reports it (never trust the
// redirect alone: anyone can open this URL).
func (s *shop) success(w http.ResponseWriter, r *http.Request) {
	var cs map[string]any
	s.api("GET", "/v1/checkout/sessions/"+url.PathEscape(r.URL.Query().Get("session_id")), nil, &cs)
	s.page("result.html", map[string]any{"Status": cs["status"], "Payment": cs["payment"]})(w, r)
}

func (s *shop) payWithToken(w http.ResponseWriter, r *http.Request) {
	var in struct{ Token, Key string }
	json.NewDecoder(r.Body).Decode(&in)
	var p map[string]any
	status, err := s.api("POST", "/v1/payments", map[string]any{"amount": 2500, "currency": "USD", "reference": "order-43",
		"payment_method": map[string]any{"type": "token", "token": in.Token, "key": in.Key}}, &p)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

func (s *shop) encryptPage(w http.ResponseWriter, r *http.Request) {
	var k map[string]any
	if _, err := s.api("GET", "/v1/encryption-key", nil, &k); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	s.page("encrypt.html", map[string]any{"PEM": k["public_key_pem"]})(w, r)
}

// payEncrypted forwards the browser's ciphertexts: the shop's server never
// holds a clear card number or CVC.
func (s *shop) payEncrypted(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f := r.PostForm
	var month, year int
	fmt.Sscanf(f.Get("exp_month"), "%d", &month)
	fmt.Sscanf(f.Get("exp_year"), "%d", &year)
	var p map[string]any
	status, err := s.api("POST", "/v1/payments", map[string]any{"amount": 3100, "currency": "EUR", "reference": "order-44",
		"payment_method": map[string]any{"type": "card", "card": map[string]any{
			"encrypted_number": f.Get("encrypted_number"), "encrypted_cvc": f.Get("encrypted_cvc"),
			"exp_month": month, "exp_year": year, "holder": f.Get("holder")}}}, &p)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	s.page("result.html", map[string]any{"Status": p["status"], "Payment": p["id"], "HTTPStatus": status, "Failure": p["code"]})(w, r)
}
