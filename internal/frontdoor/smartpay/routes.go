package smartpay

import (
	"net/http"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
)

// Handler serves every endpoint of the door under Prefix. Endpoints of the
// vendor's surface not implemented (the API-only invoice authorize) answer
// 404 in the door's format.
func (s *Server) Handler() http.Handler {
	read := auth.Need{Scope: auth.ScopePaymentsRead, Perm: auth.PermViewPayments}
	create := auth.Need{Scope: auth.ScopePaymentsWrite, Perm: auth.PermCreatePayments}
	capture := auth.Need{Scope: auth.ScopePaymentsWrite, Perm: auth.PermCapture}
	refund := auth.Need{Scope: auth.ScopeRefundsWrite, Perm: auth.PermRefund}
	mux := http.NewServeMux()
	void := auth.Need{Scope: auth.ScopePaymentsWrite, Perm: auth.PermVoid}
	mux.HandleFunc("POST /payment/creation", s.authed(s.create, create))
	mux.HandleFunc("GET /payment/status/{transactionId}", s.authed(s.status, read))
	mux.HandleFunc("POST /payment/capture", s.authed(s.modify(opCapture), capture))
	mux.HandleFunc("POST /payment/refund", s.authed(s.modify(opRefund), refund))
	// cancelOrRefund may do either: it needs both rights.
	mux.HandleFunc("POST /payment/cancelOrRefund", s.authed(s.modify(opCancelOrRefund), void, refund))
	mux.HandleFunc("GET "+WidgetPath, s.widgetScript)
	mux.HandleFunc("GET /payment/widget/return", s.widgetReturn)
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, fault.New(fault.NotFound, "route_missing", "no such endpoint"))
	})
	return s.recoverer(mux)
}

// recoverer answers an internal error instead of dropping the connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				s.log.ErrorContext(r.Context(), "smartpay handler panicked", "panic", v)
				s.fail(w, r, fault.New(fault.Internal, "panic", "internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
