package paytracefake

import (
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Default credentials the fake accepts.
const (
	Username     = "paygate-api"
	Password     = "sandbox-password"
	IntegratorID = "PGATE0000001"
)

// Request is one /v1 request the fake received, for assertions.
type Request struct {
	Path string
	Body map[string]any
}

// Server is a fake PayTrace. Its zero value is not usable; call New.
type Server struct {
	// URL is the fake's base URL, to use as the connector's BaseURL.
	URL string
	srv *httptest.Server

	mu            sync.Mutex
	now           func() time.Time
	tokenTTL      time.Duration
	tokens        map[string]time.Time // bearer token -> expiry
	refuseTokens  int                  // next n authenticated calls answer invalid_token
	stall         time.Duration        // next /v1 call acts, then answers this late
	quoteValues   bool
	counts        map[string]int
	log           []Request
	nextID        int64
	txns          map[int64]*txn
	order         []int64
	customers     map[string]*customer
	protectTokens map[string]*protectToken
	clientKeys    map[string]bool
	e2eeOnce      sync.Once
	e2eeKey       *rsa.PrivateKey
}

// New starts a fake PayTrace on a local port. Close it when done.
func New() *Server {
	s := &Server{now: time.Now, tokenTTL: 7200 * time.Second, tokens: map[string]time.Time{}, counts: map[string]int{},
		nextID: 100000000, txns: map[int64]*txn{}, customers: map[string]*customer{},
		protectTokens: map[string]*protectToken{}, clientKeys: map[string]bool{}}
	s.srv = httptest.NewServer(s.Handler())
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// SetTokenTTL sets the lifetime (expires_in) of tokens granted from now on.
func (s *Server) SetTokenTTL(d time.Duration) { s.mu.Lock(); s.tokenTTL = d; s.mu.Unlock() }

// SetNow replaces the fake's clock (token expiry, transaction dates).
func (s *Server) SetNow(now func() time.Time) { s.mu.Lock(); s.now = now; s.mu.Unlock() }

// ExpireTokens makes every token granted so far invalid: the next call with
// one answers {"error":"invalid_token"}.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.tokens {
		delete(s.tokens, k)
	}
}

// RefuseTokens makes the next n authenticated /v1 calls answer
// invalid_token whatever token they carry (a grant that hands out
// unusable tokens).
func (s *Server) RefuseTokens(n int) { s.mu.Lock(); s.refuseTokens = n; s.mu.Unlock() }

// ActThenStall makes the fake act on the next transaction call (a charge,
// capture, void or refund; not a customer call or an export) but hold its
// answer for d (or until the caller hangs up): a lost answer.
func (s *Server) ActThenStall(d time.Duration) { s.mu.Lock(); s.stall = d; s.mu.Unlock() }

// QuoteValues makes error messages quote the offending value back, as some
// processors do, so tests can check the connector redacts them.
func (s *Server) QuoteValues(on bool) { s.mu.Lock(); s.quoteValues = on; s.mu.Unlock() }

// Grants is how many tokens the fake has issued.
func (s *Server) Grants() int { return s.Count("/oauth/token") }

// Count is how many requests reached path (e.g. "/v1/transactions/sale/keyed"),
// including refused ones.
func (s *Server) Count(path string) int { s.mu.Lock(); defer s.mu.Unlock(); return s.counts[path] }

// Requests returns the /v1 requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Handler is the fake's HTTP handler, to mount in another test server.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.grant)
	mux.HandleFunc("/v1/ping", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "status_message": "pong"})
	})
	for path, h := range map[string]handler{
		"/v1/transactions/sale/keyed":                s.keyed(true),
		"/v1/transactions/authorization/keyed":       s.keyed(false),
		"/v1/transactions/sale/pt_protect":           s.protect(true),
		"/v1/transactions/authorization/pt_protect":  s.protect(false),
		"/v1/transactions/sale/by_customer":          s.byCustomer(true),
		"/v1/transactions/authorization/by_customer": s.byCustomer(false),
		"/v1/transactions/authorization/capture":     s.capture,
		"/v1/transactions/void":                      s.void,
		"/v1/transactions/refund/for_transaction":    s.refundForTransaction,
		"/v1/transactions/refund/to_customer":        s.refundToCustomer,
		"/v1/transactions/export/by_id":              s.exportByID,
		"/v1/transactions/export/by_date_range":      s.exportByDateRange,
		"/v1/customer/create":                        s.createCustomer,
		"/v1/customer/export":                        s.exportCustomer,
		"/v1/customer/delete":                        s.deleteCustomer,
		"/v1/payment_fields/token/create":            s.createClientKey,
	} {
		mux.Handle("POST "+path, s.v1(path, h))
	}
	return mux
}

// handler answers one /v1 request with s.mu held: an HTTP status and body.
type handler func(b body) (int, any)

// body is a decoded JSON request body.
type body map[string]json.RawMessage

// v1 wraps a handler with what every /v1 endpoint shares: the bearer
// token, a JSON body with integrator_id, the log, and the stall knob.
func (s *Server) v1(path string, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s.mu.Lock()
		s.counts[path]++
		var logged map[string]any
		_ = json.Unmarshal(raw, &logged)
		s.log = append(s.log, Request{Path: path, Body: logged})
		status, answer := s.serve(path, r, raw, h)
		stall := time.Duration(0)
		if status != http.StatusUnauthorized && strings.HasPrefix(path, "/v1/transactions/") && !strings.HasPrefix(path, "/v1/transactions/export/") {
			stall, s.stall = s.stall, 0
		}
		s.mu.Unlock()
		if stall > 0 {
			t := time.NewTimer(stall)
			select {
			case <-t.C:
			case <-r.Context().Done():
			}
			t.Stop()
		}
		writeJSON(w, status, answer)
	})
}

// serve checks the token and body and runs h. s.mu is held.
func (s *Server) serve(path string, r *http.Request, raw []byte, h handler) (int, any) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	exp, known := s.tokens[tok]
	if s.refuseTokens > 0 || !ok || !known || !s.now().Before(exp) {
		if s.refuseTokens > 0 {
			s.refuseTokens--
		}
		return http.StatusUnauthorized, map[string]any{"error": "invalid_token", "error_description": "The access token provided is expired, revoked, malformed, or invalid for other reasons."}
	}
	var b body
	if len(strings.TrimSpace(string(raw))) == 0 && path == "/v1/payment_fields/token/create" {
		// The reference shows this call with an empty body.
		b = body{}
	} else if err := json.Unmarshal(raw, &b); err != nil || b == nil {
		return fail(errBadJSON)
	}
	if path != "/v1/payment_fields/token/create" {
		if id := b.str("integrator_id"); id == "" {
			return fail(errIntegratorID)
		}
	}
	return h(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// str reads a string field, or a number's literal text.
func (b body) str(key string) string {
	raw, ok := b[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// obj reads a nested object field.
func (b body) obj(key string) body {
	var o body
	_ = json.Unmarshal(b[key], &o)
	if o == nil {
		o = body{}
	}
	return o
}
