package paymentz

import (
	"net/http"

	"github.com/paygate/paygate/internal/fault"
)

// Handler serves every endpoint of the door under Prefix. Endpoints of the
// vendor's surface not implemented yet answer "record not found" in the
// door's format.
func (s *Server) Handler() http.Handler {
	const v1 = "/transactionServices/REST/v1"
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+v1+"/authToken", s.authToken)
	mux.HandleFunc("POST "+v1+"/payments", s.authed(s.createPayment))
	mux.HandleFunc("POST "+v1+"/payments/{paymentId}", s.authed(s.backoffice))
	// White-label clients call /inquiry (paymentType=IN, idType=MID): an alias of IN.
	mux.HandleFunc("POST "+v1+"/inquiry", s.authed(s.backoffice))
	mux.HandleFunc("POST "+v1+"/getTransactionDetails", s.authed(s.transactionDetails))
	mux.HandleFunc("POST "+v1+"/paywithtoken/{registrationId}", s.authed(s.payWithToken))
	mux.HandleFunc("POST "+v1+"/payout", s.authed(s.createPayout))
	mux.HandleFunc("GET "+v1+"/return/{memberId}", s.paymentReturn)
	mux.HandleFunc("POST "+v1+"/registrations", s.authed(s.registrations))
	mux.HandleFunc("POST "+v1+"/getTransactionList", s.authed(s.transactionList))
	mux.HandleFunc("POST "+v1+"/getPayoutBalance/{memberId}", s.authed(s.payoutBalance))
	mux.HandleFunc("POST "+v1+"/regenerateToken", s.authed(s.regenerateToken))
	mux.HandleFunc("POST "+v1+"/getCardsAndAccounts", s.authed(s.cardsAndAccounts))
	mux.HandleFunc("POST "+v1+"/getPaymentAndCardType", s.authed(s.paymentAndCardType))
	const inv = "/invoiceServices/REST/v1"
	mux.HandleFunc("POST "+inv+"/authToken", s.authToken)
	mux.HandleFunc("POST "+inv+"/generate", s.authed(s.generateInvoice))
	mux.HandleFunc("POST "+inv+"/regenerateToken", s.authed(s.regenerateToken))
	mux.HandleFunc("POST "+inv+"/cancel", s.authed(s.invoiceOp(invoiceCancel)))
	mux.HandleFunc("POST "+inv+"/inquiry", s.authed(s.invoiceOp(invoiceInquiry)))
	mux.HandleFunc("POST "+inv+"/getInvoice", s.authed(s.invoiceOp(invoiceInquiry)))
	mux.HandleFunc("POST "+inv+"/getInvoiceDetails", s.authed(s.invoiceOp(invoiceDetails)))
	mux.HandleFunc("POST "+inv+"/remind", s.authed(s.invoiceOp(invoiceRemind)))
	mux.HandleFunc("POST "+inv+"/regenerate", s.authed(s.invoiceOp(invoiceRegenerate)))
	mux.HandleFunc("POST "+inv+"/invoiceTransInquiry", s.authed(s.invoiceOp(invoicePayment)))
	mux.HandleFunc(InvoicePrefix, func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, fault.New(fault.NotFound, "route_missing", "no such endpoint"))
	})
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
				s.log.ErrorContext(r.Context(), "paymentz handler panicked", "panic", v)
				s.fail(w, r, fault.New(fault.Internal, "panic", "internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
