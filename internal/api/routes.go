package api

import (
	"net/http"

	"github.com/paygate/paygate/internal/auth"
)

// route is one endpoint. The list is what the OpenAPI, tenancy and
// permission tests walk, so a new route cannot skip their checks.
type route struct {
	method, path string
	// public routes authenticate themselves (or nobody): health, the
	// OpenAPI document, the OAuth endpoints, the dashboard sign-in.
	public bool
	need   auth.Need
	// merchantWide routes serve objects of the merchant, not of one mode
	// (the team): the tenancy test checks them across merchants only.
	merchantWide bool
	// once routes get the Idempotency-Key contract from Server.once (the
	// payment and payout routes have their own, inside their transactions);
	// onceSecret ones too, but their answer, which shows a secret once, is
	// never stored.
	once, onceSecret bool
	handler          http.HandlerFunc
}

func need(s auth.Scope, p auth.Permission) auth.Need { return auth.Need{Scope: s, Perm: p} }

// Route describes an endpoint for tests and docs.
type Route struct {
	Method, Path string
	Public       bool
	Need         auth.Need
	MerchantWide bool
}

// Routes lists every documented endpoint as "METHOD /path", for tests and docs.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.routes() {
		out = append(out, r.method+" "+r.path)
	}
	return append(out, "GET /metrics")
}

// RouteTable describes every endpoint with its access rule.
func (s *Server) RouteTable() []Route {
	var out []Route
	for _, r := range s.routes() {
		out = append(out, Route{Method: r.method, Path: r.path, Public: r.public, Need: r.need, MerchantWide: r.merchantWide})
	}
	return out
}

func (s *Server) routes() []route {
	read, write := auth.ScopePaymentsRead, auth.ScopePaymentsWrite
	keys, team := need(auth.ScopeKeysWrite, auth.PermManageKeys), need(auth.ScopeTeamWrite, auth.PermManageTeam)
	person := auth.Need{} // any signed-in person; checked by the handler
	customers := need(auth.ScopeCustomersWrite, auth.PermManageCustomer)
	hooks := need(auth.ScopeWebhooksWrite, auth.PermManageWebhooks)
	return []route{
		{method: "POST", path: "/v1/payments", need: need(write, auth.PermCreatePayments), handler: s.createPayment},
		{method: "GET", path: "/v1/payments", need: need(read, auth.PermViewPayments), handler: s.listPayments},
		{method: "GET", path: "/v1/payments/{id}", need: need(read, auth.PermViewPayments), handler: s.getPayment},
		{method: "POST", path: "/v1/payments/{id}/capture", need: need(write, auth.PermCapture), handler: s.capturePayment},
		{method: "POST", path: "/v1/payments/{id}/void", need: need(write, auth.PermVoid), handler: s.voidPayment},
		{method: "POST", path: "/v1/payments/{id}/refunds", need: need(auth.ScopeRefundsWrite, auth.PermRefund), handler: s.refundPayment},
		{method: "GET", path: "/v1/balance", need: need(read, auth.PermViewPayments), handler: s.getBalance},

		{method: "POST", path: "/v1/tokens", onceSecret: true, need: need(auth.ScopeCheckout, auth.PermCreatePayments), handler: s.createToken},
		{method: "GET", path: "/v1/encryption-key", need: need(auth.ScopeCheckout, auth.PermViewPayments), handler: s.getEncryptionKey},
		{method: "GET", path: "/v1/encryption-key.pem", need: need(auth.ScopeCheckout, auth.PermViewPayments), handler: s.getEncryptionKeyPEM},
		{method: "POST", path: "/v1/encryption-key/rotate", once: true, need: keys, handler: s.rotateEncryptionKey},

		{method: "POST", path: "/v1/customers", once: true, need: customers, handler: s.createCustomer},
		{method: "GET", path: "/v1/customers", need: need(read, auth.PermViewPayments), handler: s.listCustomers},
		{method: "GET", path: "/v1/customers/{id}", need: need(read, auth.PermViewPayments), handler: s.getCustomer},
		{method: "POST", path: "/v1/customers/{id}", once: true, need: customers, handler: s.updateCustomer},
		{method: "DELETE", path: "/v1/customers/{id}", need: customers, handler: s.deleteCustomer},
		{method: "GET", path: "/v1/customers/{id}/payment-methods", need: need(read, auth.PermViewPayments), handler: s.listCustomerPaymentMethods},
		{method: "DELETE", path: "/v1/customers/{id}/payment-methods/{pm}", need: customers, handler: s.deleteCustomerPaymentMethod},

		{method: "POST", path: "/v1/checkout/sessions", onceSecret: true, need: need(write, auth.PermCreatePayments), handler: s.createCheckoutSession},
		{method: "GET", path: "/v1/checkout/sessions", need: need(read, auth.PermViewPayments), handler: s.listCheckoutSessions},
		{method: "GET", path: "/v1/checkout/sessions/{id}", need: need(read, auth.PermViewPayments), handler: s.getCheckoutSession},

		{method: "POST", path: "/v1/payment-method-configs", once: true, need: keys, handler: s.createConfig},
		{method: "GET", path: "/v1/payment-method-configs", need: keys, handler: s.listConfigs},
		{method: "GET", path: "/v1/payment-method-configs/{id}", need: keys, handler: s.getConfig},
		{method: "POST", path: "/v1/payment-method-configs/{id}", once: true, need: keys, handler: s.updateConfig},
		{method: "DELETE", path: "/v1/payment-method-configs/{id}", need: keys, handler: s.deleteConfig},
		{method: "POST", path: "/v1/payment-methods", need: need(read, auth.PermViewPayments), handler: s.paymentMethods(false)},
		{method: "POST", path: "/b/pbl/v2/payment-methods/", need: need(read, auth.PermViewPayments), handler: s.paymentMethods(true)},

		{method: "POST", path: "/v1/invoices", onceSecret: true, need: need(write, auth.PermCreatePayments), handler: s.createInvoice},
		{method: "GET", path: "/v1/invoices", need: need(read, auth.PermViewPayments), handler: s.listInvoices},
		{method: "GET", path: "/v1/invoices/{id}", need: need(read, auth.PermViewPayments), handler: s.getInvoice},
		{method: "POST", path: "/v1/invoices/{id}/cancel", once: true, need: need(write, auth.PermCreatePayments), handler: s.cancelInvoice},
		{method: "POST", path: "/v1/invoices/{id}/send", once: true, need: need(write, auth.PermCreatePayments), handler: s.sendInvoice},

		{method: "POST", path: "/v1/subscriptions", once: true, need: need(write, auth.PermCreatePayments), handler: s.createSubscription},
		{method: "GET", path: "/v1/subscriptions", need: need(read, auth.PermViewPayments), handler: s.listSubscriptions},
		{method: "GET", path: "/v1/subscriptions/{id}", need: need(read, auth.PermViewPayments), handler: s.getSubscription},
		{method: "POST", path: "/v1/subscriptions/{id}/pause", once: true, need: need(write, auth.PermCreatePayments), handler: s.changeSubscription("pause")},
		{method: "POST", path: "/v1/subscriptions/{id}/resume", once: true, need: need(write, auth.PermCreatePayments), handler: s.changeSubscription("resume")},
		{method: "POST", path: "/v1/subscriptions/{id}/cancel", once: true, need: need(write, auth.PermCreatePayments), handler: s.changeSubscription("cancel")},

		{method: "POST", path: "/v1/payouts", need: need(auth.ScopePayoutsWrite, auth.PermPayout), handler: s.createPayout},
		{method: "GET", path: "/v1/payouts", need: need(read, auth.PermViewPayments), handler: s.listPayouts},
		{method: "GET", path: "/v1/payouts/{id}", need: need(read, auth.PermViewPayments), handler: s.getPayout},

		{method: "GET", path: "/v1/events", need: need(read, auth.PermViewPayments), handler: s.listEvents},
		{method: "GET", path: "/v1/events/{id}", need: need(read, auth.PermViewPayments), handler: s.getEvent},
		{method: "POST", path: "/v1/webhook-endpoints", onceSecret: true, need: hooks, handler: s.createWebhookEndpoint},
		{method: "GET", path: "/v1/webhook-endpoints", need: hooks, handler: s.listWebhookEndpoints},
		{method: "GET", path: "/v1/webhook-endpoints/{id}", need: hooks, handler: s.getWebhookEndpoint},
		{method: "POST", path: "/v1/webhook-endpoints/{id}", once: true, need: hooks, handler: s.updateWebhookEndpoint},
		{method: "DELETE", path: "/v1/webhook-endpoints/{id}", need: hooks, handler: s.deleteWebhookEndpoint},
		{method: "GET", path: "/v1/webhook-endpoints/{id}/deliveries", need: hooks, handler: s.listDeliveries},
		{method: "GET", path: "/v1/webhook-deliveries/{id}", need: hooks, handler: s.getDelivery},
		{method: "GET", path: "/v1/notification-secret", need: hooks, handler: s.getNotificationSecret},
		{method: "POST", path: "/v1/webhook-deliveries/{id}/resend", once: true, need: hooks, handler: s.resendDelivery},

		{method: "POST", path: "/v1/api-keys", onceSecret: true, need: keys, handler: s.createKey},
		{method: "GET", path: "/v1/api-keys", need: keys, handler: s.listKeys},
		{method: "GET", path: "/v1/api-keys/{id}", need: keys, handler: s.getKey},
		{method: "POST", path: "/v1/api-keys/{id}/roll", onceSecret: true, need: keys, handler: s.rollKey},
		{method: "POST", path: "/v1/api-keys/{id}/revoke", once: true, need: keys, handler: s.revokeKey},

		{method: "POST", path: "/v1/users", onceSecret: true, need: team, merchantWide: true, handler: s.createUser},
		{method: "GET", path: "/v1/users", need: team, merchantWide: true, handler: s.listUsers},
		{method: "GET", path: "/v1/users/{id}", need: team, merchantWide: true, handler: s.getUser},
		{method: "POST", path: "/v1/users/{id}", once: true, need: team, merchantWide: true, handler: s.updateUser},
		{method: "POST", path: "/v1/users/{id}/reset-password", onceSecret: true, need: team, merchantWide: true, handler: s.resetUserPassword},

		{method: "GET", path: "/v1/audit-events", need: need(auth.ScopeAuditRead, auth.PermViewAudit), merchantWide: true, handler: s.listAuditEvents},

		{method: "POST", path: "/oauth/token", public: true, handler: s.issueToken},
		{method: "POST", path: "/oauth/revoke", public: true, handler: s.revokeToken},
		{method: "POST", path: "/dashboard/login", public: true, handler: s.login},
		{method: "GET", path: "/dashboard/session", need: person, merchantWide: true, handler: s.currentSession},
		{method: "POST", path: "/dashboard/logout", need: person, merchantWide: true, handler: s.logout},
		{method: "POST", path: "/dashboard/totp/setup", need: person, merchantWide: true, handler: s.beginTOTP},
		{method: "POST", path: "/dashboard/totp/enable", need: person, merchantWide: true, handler: s.enableTOTP},

		{method: "GET", path: "/healthz", public: true, handler: s.healthz},
		{method: "GET", path: "/readyz", public: true, handler: s.readyz},
		{method: "GET", path: "/openapi.json", public: true, handler: s.openAPI},
	}
}
