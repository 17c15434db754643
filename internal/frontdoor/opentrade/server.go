package opentrade

import (
	"errors"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

// Door is the name under which the engine stores this door's credentials
// (the payment secrets) and routes its payments' notifications.
const Door = "opentrade"

// Prefix is where the door is mounted, next to the native API.
const Prefix = "/opentrade/v1/"

// Config wires a Server.
type Config struct {
	Engine *engine.Engine
	Logger *slog.Logger
	// PublicURL is paygate's own base URL, for the RequestUrl of
	// PaymentFormAnswer (engine.Config.PublicURL).
	PublicURL string
	// BodyLimit caps a request body (default 64 KiB).
	BodyLimit int64
	// Now is the clock signed calls' timestamps are checked against
	// (default time.Now).
	Now func() time.Time
}

// Server serves the door. It is safe for concurrent use.
type Server struct {
	e      *engine.Engine
	log    *slog.Logger
	public string
	limit  int64
	now    func() time.Time
}

// New returns a Server.
func New(cfg Config) *Server {
	s := &Server{e: cfg.Engine, log: cfg.Logger, public: strings.TrimRight(cfg.PublicURL, "/"), limit: cfg.BodyLimit, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limit <= 0 {
		s.limit = 64 << 10
	}
	return s
}

// Handler serves the door's endpoints under Prefix.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Prefix+"payment-form", s.paymentForm)
	mux.HandleFunc("GET "+Prefix+"pay/{member}", s.pay)
	mux.HandleFunc("POST "+Prefix+"pay/{member}", s.pay)
	// paygate's extensions, signed with the payment secret (signed.go).
	mux.HandleFunc("POST "+Prefix+"status", s.status)
	mux.HandleFunc("POST "+Prefix+"refund", s.refund)
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		writeAnswer(w, http.StatusNotFound, &PaymentFormAnswer{ErrorCode: "NotFound", ErrorDescription: "no such endpoint"})
	})
	return s.recoverer(mux)
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				s.log.ErrorContext(r.Context(), "opentrade handler panicked", "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// values reads a request's parameters: the query, and for POST the
// url-encoded or multipart body too.
func (s *Server) values(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.limit)
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		return r.ParseMultipartForm(s.limit)
	}
	return r.ParseForm()
}

// RequestURL is the payer form's address for a member.
func (s *Server) RequestURL(member int64) string {
	return s.public + Prefix + "pay/" + strconv.FormatInt(member, 10)
}

// paymentForm answers the PaymentFormAnswer for a payment. The caller (the
// contractor's server, or OpenTrade on its behalf) authenticates with HTTP
// Basic: the member id (or the credential's login name) and the payment
// secret. It sends the form's parameters, plus RequestMethod GET or POST
// (default POST) for the method the payer's form should use. Nothing is
// stored: the payment starts when the payer's form arrives.
func (s *Server) paymentForm(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	var cred *engine.DoorCredential
	var secret string
	err := errNoCredentials
	if ok {
		if m, perr := strconv.ParseInt(user, 10, 64); perr == nil {
			cred, secret, err = s.e.DoorCredential(r.Context(), Door, m)
		} else {
			cred, secret, err = s.e.DoorCredentialByUsername(r.Context(), Door, user)
		}
		if err != nil && fault.As(err).Kind != fault.Unauthorized {
			s.log.ErrorContext(r.Context(), "opentrade credential lookup failed", "err", err)
		}
	}
	if err == nil && !engine.SecretsEqual(secret, pass) {
		err = errNoCredentials
	}
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="paygate opentrade"`)
		writeAnswer(w, http.StatusUnauthorized, &PaymentFormAnswer{ErrorCode: CodeAuthenticationFailed,
			ErrorDescription: "send the member id and the payment secret with HTTP Basic authentication"})
		return
	}
	if err := s.values(w, r); err != nil {
		writeAnswer(w, http.StatusBadRequest, &PaymentFormAnswer{ErrorCode: CodeInvalidParameter, ErrorDescription: "the request body is too large or unreadable"})
		return
	}
	method := strings.ToUpper(r.Form.Get("RequestMethod"))
	switch method {
	case "":
		method = http.MethodPost
	case http.MethodGet, http.MethodPost:
	default:
		writeAnswer(w, http.StatusBadRequest, &PaymentFormAnswer{ErrorCode: CodeInvalidParameter, ErrorDescription: "RequestMethod: must be GET or POST"})
		return
	}
	f, err := ParseForm(r.Form)
	if err != nil {
		writeAnswer(w, http.StatusBadRequest, &PaymentFormAnswer{ErrorCode: CodeInvalidParameter, ErrorDescription: err.Error()})
		return
	}
	writeAnswer(w, http.StatusOK, &PaymentFormAnswer{ErrorCode: CodeOk,
		Result: &FormResult{RequestMethod: method, RequestURL: s.RequestURL(cred.MemberID), Parameters: f.Parameters()}})
}

var errNoCredentials = errors.New("opentrade: no or wrong credentials")

// nativeParams names the form's parameters behind the engine's.
var nativeParams = map[string]string{"amount": ParamAmount, "currency": ParamCurrency, "description": ParamDescription,
	"reference": ParamPaymentID, "success_url": ParamSuccessURL, "cancel_url": ParamFailURL, "notification_url": ParamResultURL}

// pay takes the payer's form, opens a hosted checkout session for it and
// sends the payer there. A form that is not valid changes nothing: the
// payer sees which parameter is wrong.
func (s *Server) pay(w http.ResponseWriter, r *http.Request) {
	member, err := strconv.ParseInt(r.PathValue("member"), 10, 64)
	var cred *engine.DoorCredential
	if err == nil {
		cred, _, err = s.e.DoorCredential(r.Context(), Door, member)
		if err != nil && fault.As(err).Kind != fault.Unauthorized {
			s.log.ErrorContext(r.Context(), "opentrade credential lookup failed", "err", err)
		}
	}
	if err != nil {
		s.page(w, http.StatusNotFound, "This payment address is not valid", "The shop's payment settings are wrong. Please return to the shop and contact it.")
		return
	}
	if err := s.values(w, r); err != nil {
		s.page(w, http.StatusBadRequest, "The payment form is not valid", "The form could not be read.")
		return
	}
	f, err := ParseForm(r.Form)
	if err != nil {
		s.page(w, http.StatusBadRequest, "The payment form is not valid", err.Error())
		return
	}
	a := cred.Actor()
	a.IP = r.RemoteAddr
	md := map[string]string{metaMember: strconv.FormatInt(cred.MemberID, 10), metaPaymentID: f.PaymentID, metaUserID: f.UserID}
	if f.OrderID != "" {
		md[metaOrderID] = f.OrderID
	}
	c, err := s.e.CreateCheckoutSession(r.Context(), a, engine.CheckoutInput{
		Amount: f.Amount, Currency: f.Currency.Code, Description: f.Description, Reference: f.PaymentID,
		SuccessURL: f.SuccessURL, CancelURL: f.FailURL, NotificationURL: f.ResultURL, Metadata: md,
		// The session's payments notify resultUrl through this door's Notifier.
		Door: Door,
	})
	if err != nil {
		fe := fault.As(err)
		if fe.Kind == fault.Invalid {
			param := fe.Param
			if p, ok := nativeParams[fe.Param]; ok {
				param = p
			}
			s.page(w, http.StatusBadRequest, "The payment form is not valid", param+": "+fe.Message)
			return
		}
		s.log.ErrorContext(r.Context(), "opentrade checkout session failed", "member", cred.MemberID, "err", err)
		s.page(w, http.StatusInternalServerError, "The payment cannot start", "Please try again in a moment.")
		return
	}
	s.log.InfoContext(r.Context(), "opentrade payment form accepted", "member", cred.MemberID, "session", c.Session.ID)
	http.Redirect(w, r, c.URL, http.StatusSeeOther)
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title></head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p></main></body></html>
`))

// page answers the payer's browser with a short message.
func (s *Server) page(w http.ResponseWriter, status int, title, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	pageTmpl.Execute(w, struct{ Title, Text string }{title, text})
}
