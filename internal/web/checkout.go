package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// returnCookie remembers, in the payer's browser only, which checkout it was
// paying, so the form can be shown again after a failed 3-D Secure detour
// without the checkout token ever being stored on the server in clear. A
// framed checkout gets no such cookie (SameSite=Lax in a cross-site frame):
// an embeddable session also sets frameCookie, and its return link is
// signed as well (see checkoutReturn).
const returnCookie = "pg_checkout"

// frameCookie is returnCookie for a checkout framed by another site: a
// partitioned cookie (CHIPS: SameSite=None, Secure, Partitioned), kept in
// the browser's jar for that top-level site only, so the frame alone gets it
// back and a failed challenge can return to the card form inside the frame.
// Browsers take Secure cookies over HTTPS, and over plain HTTP from
// localhost only; a browser that blocks it still gets the signed link's
// answer (the reason and the way back to the shop).
const frameCookie = "pg_checkout_frame"

type savedView struct{ ID, Label string }

type checkoutView struct {
	view
	Test                                    bool
	Merchant, Amount, Description, PayLabel string
	Action, CSRF, CancelURL, Brands, Error  string
	ErrorField                              string
	Saved                                   []savedView
	CanSave                                 bool
}

// sessionPolicy frames the page only for the session's embed origins and
// lets its form lead to the merchant's return pages.
func sessionPolicy(s *checkout.Session) policy {
	var targets []string
	for _, u := range append([]string{s.SuccessURL, s.CancelURL}, s.ReturnOrigins()...) {
		if o := originOf(u); o != "" {
			targets = append(targets, o)
		}
	}
	return policy{frameAncestors: s.EmbedOrigins, formTargets: targets}
}

func (s *Server) checkoutPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	v, err := s.eng.OpenCheckout(r.Context(), token)
	if err != nil {
		s.checkoutError(w, r, "en", err)
		return
	}
	if s.finished(w, r, v) {
		return
	}
	errText := ""
	if p := v.Payment; p != nil && (p.Status == payment.Failed || p.Status == payment.Expired) {
		errText = fmt.Sprintf(textsFor(v.Session.Locale)["declined"], p.FailureMessage)
	}
	http.SetCookie(w, &http.Cookie{Name: returnCookie, Value: token, Path: "/checkout/return/", HttpOnly: true,
		Secure: isHTTPS(r), SameSite: http.SameSiteLaxMode, Expires: v.Session.ExpiresAt})
	if len(v.Session.EmbedOrigins) > 0 {
		http.SetCookie(w, &http.Cookie{Name: frameCookie, Value: token, Path: "/checkout/return/", HttpOnly: true,
			Secure: true, SameSite: http.SameSiteNoneMode, Partitioned: true, Expires: v.Session.ExpiresAt})
	}
	s.renderCheckout(w, r, v, http.StatusOK, errText, "")
}

// finished answers a session that can no longer be paid; it reports whether it did.
func (s *Server) finished(w http.ResponseWriter, r *http.Request, v *engine.CheckoutView) bool {
	sess, t := v.Session, textsFor(v.Session.Locale)
	switch sess.Status {
	case checkout.Complete:
		s.message(w, r, http.StatusOK, sess.Locale, v.Merchant.Name, t["paidTitle"], t["paidText"], successURL(sess), sessionPolicy(sess))
		return true
	case checkout.Expired:
		s.message(w, r, http.StatusGone, sess.Locale, v.Merchant.Name, t["expiredTitle"], t["expiredText"], sess.CancelURL, sessionPolicy(sess))
		return true
	}
	return false
}

func successURL(s *checkout.Session) string {
	u, err := url.Parse(s.SuccessURL)
	if err != nil {
		return s.SuccessURL
	}
	q := u.Query()
	q.Set("session_id", s.ID)
	u.RawQuery = q.Encode()
	return u.String()
}

func (s *Server) renderCheckout(w http.ResponseWriter, r *http.Request, v *engine.CheckoutView, status int, errText, errField string) {
	sess := v.Session
	lang := sess.Locale
	t := textsFor(lang)
	nonce := s.secure(w, r, sessionPolicy(sess))
	amount := engine.FormatAmount(sess.Amount, sess.Currency)
	cv := checkoutView{
		view: view{Lang: lang, Dir: dirOf(lang), Title: t["title"] + " · " + v.Merchant.Name, Nonce: nonce, T: t, Scripts: []string{"card.js", "checkout.js"}},
		Test: sess.Mode == payment.Sandbox, Merchant: v.Merchant.Name, Amount: amount, Description: sess.Description,
		PayLabel: fmt.Sprintf(t["pay"], amount), Action: r.URL.Path, CSRF: s.csrfToken(r.URL.Path), CancelURL: sess.CancelURL,
		Brands: strings.Join(sess.Brands, " "), Error: errText, ErrorField: errField, CanSave: sess.CustomerID != "" && !sess.SaveCard,
	}
	for _, m := range v.SavedCards {
		cv.Saved = append(cv.Saved, savedView{ID: m.ID, Label: fmt.Sprintf("%s •••• %s (%02d/%d)", brandLabel(m.Card.Brand), m.Card.Last4, m.Card.ExpMonth, m.Card.ExpYear)})
	}
	s.render(w, status, "checkout", cv)
}

func brandLabel(b string) string {
	switch card.Brand(b) {
	case card.Amex:
		return "American Express"
	case card.JCB:
		return "JCB"
	case "":
		return "Card"
	}
	return strings.ToUpper(b[:1]) + b[1:]
}

// checkoutPay takes the payer's form. Errors re-render the form with the
// field named; a decline re-renders it with the processor's reason; success
// goes to the merchant's success URL, 3-D Secure to the challenge page.
func (s *Server) checkoutPay(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	v, err := s.eng.OpenCheckout(r.Context(), token)
	if err != nil {
		s.checkoutError(w, r, "en", err)
		return
	}
	if !s.checkCSRF(r, r.URL.Path) {
		s.renderCheckout(w, r, v, http.StatusForbidden, textsFor(v.Session.Locale)["errFix"], "")
		return
	}
	if s.finished(w, r, v) {
		return
	}
	f := r.PostForm
	in := engine.CheckoutPayment{SaveCard: f.Get("save") == "1", CVC: strings.TrimSpace(f.Get("cvc")), ReturnQuery: s.returnQuery(v.Session)}
	if saved := f.Get("saved"); saved != "" {
		in.PaymentMethodID = saved
	} else {
		month, year, ok := parseExpiry(f.Get("expiry"))
		if !ok {
			s.renderCheckout(w, r, v, http.StatusUnprocessableEntity, textsFor(v.Session.Locale)["errFix"], "expiry")
			return
		}
		in.Card = &engine.CardInput{Number: card.Normalize(f.Get("number")), ExpMonth: month, ExpYear: year, CVC: in.CVC, Holder: strings.TrimSpace(f.Get("holder"))}
		in.CVC = ""
	}
	v, err = s.eng.PayCheckout(r.Context(), token, in)
	if err != nil {
		s.payError(w, r, v, err)
		return
	}
	p, sess := v.Payment, v.Session
	switch {
	case sess.Status == checkout.Complete:
		http.Redirect(w, r, successURL(sess), http.StatusSeeOther)
	case p.Status == payment.RequiresAction && p.NextAction != nil:
		http.Redirect(w, r, p.NextAction.RedirectURL, http.StatusSeeOther)
	case p.Status == payment.Failed:
		s.renderCheckout(w, r, v, http.StatusPaymentRequired, fmt.Sprintf(textsFor(sess.Locale)["declined"], p.FailureMessage), "")
	default: // pending or processing: the page shows the outcome once known
		t := textsFor(sess.Locale)
		s.message(w, r, http.StatusAccepted, sess.Locale, v.Merchant.Name, t["title"], t["inProgress"], r.URL.Path, sessionPolicy(sess))
	}
}

func (s *Server) payError(w http.ResponseWriter, r *http.Request, v *engine.CheckoutView, err error) {
	fe := fault.As(err)
	t := textsFor(v.Session.Locale)
	switch {
	case fe.Kind == fault.Invalid:
		field := ""
		switch {
		case strings.HasSuffix(fe.Param, ".number"):
			field = "number"
		case strings.HasSuffix(fe.Param, ".exp_month"), strings.HasSuffix(fe.Param, ".exp_year"):
			field = "expiry"
		case strings.HasSuffix(fe.Param, ".cvc"):
			field = "cvc"
		}
		msg := t["errFix"]
		if fe.Code == "card_brand_not_accepted" {
			msg = t["errBrand"]
		} else if field == "" {
			msg = fmt.Sprintf(t["errGeneric"], fe.Message)
		}
		s.renderCheckout(w, r, v, http.StatusUnprocessableEntity, msg, field)
	case fe.Code == "checkout_session_complete" || fe.Code == "checkout_session_expired":
		if fresh, err := s.eng.OpenCheckout(r.Context(), r.PathValue("token")); err == nil && s.finished(w, r, fresh) {
			return
		}
		s.checkoutError(w, r, v.Session.Locale, err)
	case fe.Code == "checkout_payment_in_progress" || fe.Code == "idempotency_key_in_use":
		s.message(w, r, http.StatusConflict, v.Session.Locale, v.Merchant.Name, t["title"], t["inProgress"], r.URL.Path, sessionPolicy(v.Session))
	default:
		s.log.Error("checkout payment failed", "session", v.Session.ID, "err", err)
		s.renderCheckout(w, r, v, http.StatusInternalServerError, fmt.Sprintf(t["errGeneric"], fe.Message), "")
	}
}

func (s *Server) checkoutError(w http.ResponseWriter, r *http.Request, lang string, err error) {
	t := textsFor(lang)
	if fault.IsNotFound(err) {
		s.message(w, r, http.StatusNotFound, lang, "", t["notFoundTitle"], t["notFoundText"], "", policy{})
		return
	}
	s.log.Error("checkout page", "err", err)
	s.message(w, r, http.StatusInternalServerError, lang, "", t["title"], fmt.Sprintf(t["errGeneric"], "internal error"), "", policy{})
}

// parseExpiry reads "MM/YY", "MM / YYYY", "M/YY" or "MMYY"; anything else
// (two slashes, signs, letters) is refused.
func parseExpiry(s string) (month, year int, ok bool) {
	s = strings.ReplaceAll(s, " ", "")
	ms, ys, slash := strings.Cut(s, "/")
	if !slash {
		if len(s) != 4 && len(s) != 6 {
			return 0, 0, false
		}
		ms, ys = s[:2], s[2:]
	}
	if len(ms) < 1 || len(ms) > 2 || (len(ys) != 2 && len(ys) != 4) || !digitsOnly(ms) || !digitsOnly(ys) {
		return 0, 0, false
	}
	m, _ := strconv.Atoi(ms)
	y, _ := strconv.Atoi(ys)
	if m < 1 || m > 12 {
		return 0, 0, false
	}
	if y < 100 {
		y += 2000
	}
	return m, y, y >= 2000
}

func digitsOnly(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
