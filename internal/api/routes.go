package api

import "net/http"

// route is one endpoint; the list is what the OpenAPI test checks.
type route struct {
	method, path string
	auth         bool
	handler      http.HandlerFunc
}

// Routes lists every documented endpoint as "METHOD /path", for tests and docs.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.routes() {
		out = append(out, r.method+" "+r.path)
	}
	return append(out, "GET /metrics")
}

func (s *Server) routes() []route {
	return []route{
		{"POST", "/v1/payments", true, s.createPayment},
		{"GET", "/v1/payments", true, s.listPayments},
		{"GET", "/v1/payments/{id}", true, s.getPayment},
		{"POST", "/v1/payments/{id}/capture", true, s.capturePayment},
		{"POST", "/v1/payments/{id}/void", true, s.voidPayment},
		{"POST", "/v1/payments/{id}/refunds", true, s.refundPayment},
		{"GET", "/v1/balance", true, s.getBalance},
		{"GET", "/healthz", false, s.healthz},
		{"GET", "/readyz", false, s.readyz},
		{"GET", "/openapi.json", false, s.openAPI},
	}
}
