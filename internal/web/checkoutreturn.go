package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

// returnGrace keeps a return link valid a while past its session, so a
// challenge finished at the session's last minute still brings the payer
// back to the outcome.
const returnGrace = time.Hour

// returnQuery is the query of the link the payer's browser comes back to
// after 3-D Secure: the session's merchant, mode and an expiry, signed with
// the pages' key. It identifies the session without the checkout token, so
// a framed checkout (which keeps no cookie) can be matched; it is stored
// with the payment's return_url, so it grants no more than the session's
// outcome: it never reopens the form.
func (s *Server) returnQuery(cs *checkout.Session) string {
	exp := strconv.FormatInt(cs.ExpiresAt.Add(returnGrace).Unix(), 10)
	q := url.Values{"merchant": {cs.MerchantID}, "mode": {string(cs.Mode)}, "expires": {exp}}
	q.Set("sig", s.returnMAC(cs.ID, cs.MerchantID, string(cs.Mode), exp))
	return q.Encode()
}

func (s *Server) returnMAC(session, merchant, mode, expires string) string {
	m := hmac.New(sha256.New, s.csrf)
	m.Write([]byte("checkout-return|" + session + "|" + merchant + "|" + mode + "|" + expires))
	return hex.EncodeToString(m.Sum(nil))
}

// signedReturn opens the session a signed, unexpired return link names.
func (s *Server) signedReturn(r *http.Request, session string) (*engine.CheckoutView, bool) {
	q := r.URL.Query()
	merchant, mode, exp := q.Get("merchant"), q.Get("mode"), q.Get("expires")
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !s.now().Before(time.Unix(n, 0)) ||
		!hmac.Equal([]byte(q.Get("sig")), []byte(s.returnMAC(session, merchant, mode, exp))) {
		return nil, false
	}
	v, err := s.eng.ReturnToCheckout(r.Context(), merchant, payment.Mode(mode), session)
	return v, err == nil
}

// checkoutReturn is where the payer lands after 3-D Secure. A payment that
// succeeded goes on to the merchant's success page, one still waiting to
// its challenge. One that failed goes back to the form with the reason when
// the browser's cookie names the checkout: the first-party cookie on a
// top-level page, the partitioned one inside another site's frame. Without
// either, the signed link shows the reason with the way back to the shop,
// which opens the checkout again.
func (s *Server) checkoutReturn(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("session")
	for _, name := range []string{returnCookie, frameCookie} {
		c, err := r.Cookie(name)
		if err != nil {
			continue
		}
		if v, err := s.eng.OpenCheckout(r.Context(), c.Value); err == nil && v.Session.ID == id {
			s.returnTo(w, r, v, "/checkout/"+url.PathEscape(c.Value))
			return
		}
	}
	v, ok := s.signedReturn(r, id)
	if !ok {
		t := textsFor("en")
		s.message(w, r, http.StatusBadRequest, "en", "", t["returnTitle"], t["returnText"], "", policy{})
		return
	}
	s.returnTo(w, r, v, "")
}

// returnTo sends the returning payer on; form is the checkout page, or ""
// when the browser did not prove it holds the token.
func (s *Server) returnTo(w http.ResponseWriter, r *http.Request, v *engine.CheckoutView, form string) {
	sess, p := v.Session, v.Payment
	switch {
	case sess.Status == checkout.Complete:
		http.Redirect(w, r, successURL(sess), http.StatusSeeOther)
	case p != nil && p.Status == payment.RequiresAction && p.NextAction != nil:
		http.Redirect(w, r, p.NextAction.RedirectURL, http.StatusSeeOther)
	case form != "":
		http.Redirect(w, r, form, http.StatusSeeOther)
	default:
		t := textsFor(sess.Locale)
		reason := ""
		if p != nil {
			reason = p.FailureMessage
		}
		s.message(w, r, http.StatusOK, sess.Locale, v.Merchant.Name, t["title"], fmt.Sprintf(t["notCompleted"], reason), sess.CancelURL, sessionPolicy(sess))
	}
}
