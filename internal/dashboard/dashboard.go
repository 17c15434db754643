package dashboard

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/ratelimit"
)

// Prefix is the path the dashboard owns, for mounting beside the API. The
// API's own /dashboard/ endpoints (login, session, logout, totp) are more
// specific patterns and keep answering JSON.
const Prefix = "/dashboard/"

// Config wires the dashboard.
type Config struct {
	Engine *engine.Engine
	Logger *slog.Logger
	// SessionTTL is the session cookie's lifetime (default 12 h); match the
	// engine's and the API's.
	SessionTTL time.Duration
	// Logins is the sign-in limiter shared with the API (api.NewLoginLimiter);
	// nil: the form keeps its own.
	Logins *ratelimit.Backoff
}

// Server serves the dashboard's pages.
type Server struct {
	eng        *engine.Engine
	log        *slog.Logger
	sessionTTL time.Duration
	pages      *pages
	limiter    *limiter
	mux        *http.ServeMux
}

// New builds the dashboard.
func New(cfg Config) *Server {
	s := &Server{eng: cfg.Engine, log: cfg.Logger, sessionTTL: cfg.SessionTTL, pages: loadPages(), limiter: newLimiter(cfg.Logins, time.Now)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.sessionTTL <= 0 {
		s.sessionTTL = 12 * time.Hour
	}
	m := http.NewServeMux()
	m.HandleFunc("GET /dashboard/static/{file}", s.pages.serveAsset)
	m.HandleFunc("GET /dashboard/sign-in", s.signInPage)
	m.HandleFunc("POST /dashboard/sign-in", s.signIn)
	m.HandleFunc("POST /dashboard/sign-out", s.signed("", s.signOut))
	m.HandleFunc("POST /dashboard/mode", s.signed("", s.switchMode))
	m.HandleFunc("POST /dashboard/lang", s.signed("", s.switchLang))
	m.HandleFunc("GET /dashboard/two-factor", s.signed("", s.twoFactor))
	m.HandleFunc("GET /dashboard/password", s.signed("", s.passwordPage))
	m.HandleFunc("POST /dashboard/password", s.signed("", s.changePassword))
	m.HandleFunc("POST /dashboard/two-factor/setup", s.signed("", s.beginTwoFactor))
	m.HandleFunc("POST /dashboard/two-factor/enable", s.signed("", s.enableTwoFactor))
	m.HandleFunc("GET /dashboard/{$}", s.signed(auth.PermViewPayments, s.overview))
	m.HandleFunc("GET /dashboard/payments", s.signed(auth.PermViewPayments, s.paymentList))
	m.HandleFunc("GET /dashboard/payments/{id}", s.signed(auth.PermViewPayments, s.paymentDetail))
	m.HandleFunc("POST /dashboard/payments/{id}/capture", s.signed(auth.PermCapture, s.paymentAction(actCapture)))
	m.HandleFunc("POST /dashboard/payments/{id}/void", s.signed(auth.PermVoid, s.paymentAction(actVoid)))
	m.HandleFunc("POST /dashboard/payments/{id}/refund", s.signed(auth.PermRefund, s.paymentAction(actRefund)))
	m.HandleFunc("GET /dashboard/customers", s.signed(auth.PermViewPayments, s.customers))
	m.HandleFunc("GET /dashboard/customers/new", s.signed(auth.PermManageCustomer, s.newCustomer))
	m.HandleFunc("POST /dashboard/customers", s.signed(auth.PermManageCustomer, s.onceForm(to("/dashboard/customers"), s.createCustomer)))
	m.HandleFunc("GET /dashboard/customers/{id}", s.signed(auth.PermViewPayments, s.customerDetail))
	m.HandleFunc("POST /dashboard/customers/{id}/cards/{pm}/delete", s.signed(auth.PermManageCustomer, s.onceForm(upTo("/cards/"), s.deleteCard)))
	m.HandleFunc("POST /dashboard/customers/{id}/delete", s.signed(auth.PermManageCustomer, s.onceForm(to("/dashboard/customers"), s.deleteCustomer)))
	m.HandleFunc("GET /dashboard/invoices", s.signed(auth.PermViewPayments, s.invoices))
	m.HandleFunc("GET /dashboard/invoices/new", s.signed(auth.PermCreatePayments, s.newInvoice))
	m.HandleFunc("POST /dashboard/invoices", s.signed(auth.PermCreatePayments, s.onceForm(to("/dashboard/invoices"), s.createInvoice)))
	m.HandleFunc("GET /dashboard/invoices/{id}", s.signed(auth.PermViewPayments, s.invoiceDetail))
	m.HandleFunc("POST /dashboard/invoices/{id}/cancel", s.signed(auth.PermCreatePayments, s.onceForm(upTo("/cancel"), s.invoiceAction("cancel"))))
	m.HandleFunc("POST /dashboard/invoices/{id}/send", s.signed(auth.PermCreatePayments, s.onceForm(upTo("/send"), s.invoiceAction("send"))))
	m.HandleFunc("GET /dashboard/payouts", s.signed(auth.PermViewPayments, s.payouts))
	m.HandleFunc("GET /dashboard/payouts/new", s.signed(auth.PermPayout, s.newPayout))
	m.HandleFunc("POST /dashboard/payouts", s.signed(auth.PermPayout, s.createPayout))
	m.HandleFunc("GET /dashboard/payouts/{id}", s.signed(auth.PermViewPayments, s.payoutDetail))
	m.HandleFunc("GET /dashboard/subscriptions", s.signed(auth.PermViewPayments, s.subscriptions))
	m.HandleFunc("GET /dashboard/subscriptions/new", s.signed(auth.PermCreatePayments, s.newSubscription))
	m.HandleFunc("POST /dashboard/subscriptions", s.signed(auth.PermCreatePayments, s.createSubscription))
	m.HandleFunc("GET /dashboard/subscriptions/{id}", s.signed(auth.PermViewPayments, s.subscriptionDetail))
	m.HandleFunc("POST /dashboard/subscriptions/{id}/pause", s.signed(auth.PermCreatePayments, s.subscriptionAction("pause")))
	m.HandleFunc("POST /dashboard/subscriptions/{id}/resume", s.signed(auth.PermCreatePayments, s.subscriptionAction("resume")))
	m.HandleFunc("POST /dashboard/subscriptions/{id}/cancel", s.signed(auth.PermCreatePayments, s.subscriptionAction("cancel")))
	m.HandleFunc("GET /dashboard/developers", s.signed(auth.PermManageKeys, s.developers))
	m.HandleFunc("POST /dashboard/developers/keys", s.signed(auth.PermManageKeys, s.onceForm(to("/dashboard/developers"), s.createKey)))
	m.HandleFunc("POST /dashboard/developers/keys/{id}/revoke", s.signed(auth.PermManageKeys, s.onceForm(to("/dashboard/developers"), s.revokeKey)))
	m.HandleFunc("POST /dashboard/developers/keys/{id}/roll", s.signed(auth.PermManageKeys, s.onceForm(to("/dashboard/developers"), s.rollKey)))
	m.HandleFunc("GET /dashboard/developers/configs/new", s.signed(auth.PermManageKeys, s.newConfig))
	m.HandleFunc("POST /dashboard/developers/configs", s.signed(auth.PermManageKeys, s.createConfig))
	m.HandleFunc("GET /dashboard/developers/configs/{id}", s.signed(auth.PermManageKeys, s.configDetail))
	m.HandleFunc("POST /dashboard/developers/configs/{id}", s.signed(auth.PermManageKeys, s.updateConfig))
	m.HandleFunc("POST /dashboard/developers/configs/{id}/enabled", s.signed(auth.PermManageKeys, s.switchConfig))
	m.HandleFunc("POST /dashboard/developers/configs/{id}/delete", s.signed(auth.PermManageKeys, s.deleteConfig))
	m.HandleFunc("GET /dashboard/developers/encryption-key.pem", s.signed(auth.PermViewPayments, s.encryptionKeyPEM))
	m.HandleFunc("GET /dashboard/webhooks", s.signed(auth.PermManageWebhooks, s.webhooks))
	m.HandleFunc("POST /dashboard/webhooks/endpoints", s.signed(auth.PermManageWebhooks, s.onceForm(to("/dashboard/webhooks"), s.createEndpoint)))
	m.HandleFunc("GET /dashboard/webhooks/endpoints/{id}", s.signed(auth.PermManageWebhooks, s.endpointDetail))
	m.HandleFunc("POST /dashboard/webhooks/endpoints/{id}", s.signed(auth.PermManageWebhooks, s.updateEndpoint))
	m.HandleFunc("POST /dashboard/webhooks/endpoints/{id}/delete", s.signed(auth.PermManageWebhooks, s.deleteEndpoint))
	m.HandleFunc("POST /dashboard/webhooks/deliveries/{id}/resend", s.signed(auth.PermManageWebhooks, s.resendDelivery))
	m.HandleFunc("GET /dashboard/events", s.signed(auth.PermViewPayments, s.events))
	m.HandleFunc("GET /dashboard/team", s.signed(auth.PermManageTeam, s.team))
	m.HandleFunc("POST /dashboard/team/users", s.signed(auth.PermManageTeam, s.addUser))
	m.HandleFunc("GET /dashboard/team/users/{id}", s.signed(auth.PermManageTeam, s.userDetail))
	m.HandleFunc("POST /dashboard/team/users/{id}", s.signed(auth.PermManageTeam, s.updateUser))
	m.HandleFunc("POST /dashboard/team/users/{id}/disable", s.signed(auth.PermManageTeam, s.switchUser(true)))
	m.HandleFunc("POST /dashboard/team/users/{id}/reset-two-factor", s.signed(auth.PermManageTeam, s.onceForm(upTo("/reset-two-factor"), s.resetTwoFactor)))
	m.HandleFunc("POST /dashboard/team/users/{id}/reset-password", s.signed(auth.PermManageTeam, s.onceForm(upTo("/reset-password"), s.resetPassword)))
	m.HandleFunc("POST /dashboard/team/users/{id}/enable", s.signed(auth.PermManageTeam, s.switchUser(false)))
	m.HandleFunc("GET /dashboard/audit", s.signed(auth.PermViewAudit, s.auditLog))
	m.HandleFunc("/dashboard/", s.notFound)
	s.mux = m
	return s
}

// Handler returns the dashboard's handler, to mount at Prefix.
func (s *Server) Handler() http.Handler { return s.mux }

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.problem(w, r, nil, http.StatusNotFound, "Page not found", "There is no dashboard page at this address.")
}
