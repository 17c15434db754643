package web

import (
	"net/http"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/invoice"
)

// invoiceLink is the payment link an invoice email carries: it opens a
// checkout for the invoice, or says why the invoice cannot be paid.
func (s *Server) invoiceLink(w http.ResponseWriter, r *http.Request) {
	inv, url, err := s.eng.InvoiceLink(r.Context(), r.PathValue("token"))
	if err != nil {
		if fault.IsNotFound(err) {
			t := textsFor("en")
			s.message(w, r, http.StatusNotFound, "en", "", t["notFoundTitle"], t["notFoundText"], "", policy{})
			return
		}
		if fault.KindOf(err) == fault.Invalid {
			// The merchant's configurations changed since the invoice (its
			// currency is no longer taken): nothing the payer can fix.
			lang := "en"
			if inv != nil {
				lang = inv.Locale
			}
			t := textsFor(lang)
			s.log.Warn("invoice link cannot open a checkout", "err", err)
			s.message(w, r, http.StatusConflict, lang, "", t["title"], t["invoiceUnpayable"], "", policy{})
			return
		}
		lang := "en"
		if inv != nil {
			lang = inv.Locale
		}
		s.checkoutError(w, r, lang, err)
		return
	}
	if url != "" {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		http.Redirect(w, r, url, http.StatusSeeOther)
		return
	}
	t := textsFor(inv.Locale)
	switch inv.Status {
	case invoice.Paid:
		s.message(w, r, http.StatusOK, inv.Locale, "", t["paidTitle"], t["paidText"], "", policy{})
	default:
		s.message(w, r, http.StatusGone, inv.Locale, "", t["expiredTitle"], t["invoiceClosed"], "", policy{})
	}
}

// thanks is where a checkout without a merchant page of its own (an
// invoice) ends.
func (s *Server) thanks(w http.ResponseWriter, r *http.Request) {
	t := textsFor("en")
	s.message(w, r, http.StatusOK, "en", "", t["paidTitle"], t["paidText"], "", policy{})
}
