package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

type acsView struct {
	view
	Merchant, Amount, Card, Action, CSRF string
}

// acsPage is the sandbox issuer's 3-D Secure challenge (an ACS). In live
// mode the payer is sent to the real issuer's ACS instead.
func (s *Server) acsPage(w http.ResponseWriter, r *http.Request) {
	ch, err := s.eng.GetChallenge(r.Context(), "sandbox", r.PathValue("challenge"))
	if err != nil {
		s.acsError(w, r, err)
		return
	}
	if ch.Payment.Status != payment.RequiresAction {
		s.acsDone(w, r, ch.Payment)
		return
	}
	pol, lang := s.challengePolicy(r, ch.Payment)
	nonce := s.secure(w, r, pol)
	t := textsFor(lang)
	s.render(w, http.StatusOK, "acs", acsView{view: view{Lang: lang, Dir: dirOf(lang), Title: t["acsTitle"], Nonce: nonce, T: t},
		Merchant: ch.Merchant, Amount: engine.FormatAmount(ch.Info.Amount.Minor, ch.Info.Amount.Currency),
		Card: brandLabel(ch.Info.Brand) + " •••• " + ch.Info.Last4, Action: r.URL.Path, CSRF: s.csrfToken(r.URL.Path)})
}

// challengePolicy is the challenge page's frame and form policy, and its
// language. The challenge of a checkout payment is shown where the
// checkout was: framed by the session's embed origins, in its locale. Its
// form's redirects may lead to the payment's return URL and the merchant's
// success and cancel pages the checkout sends the payer on to (form-action
// covers the whole redirect chain).
func (s *Server) challengePolicy(r *http.Request, p *payment.Payment) (policy, string) {
	var pol policy
	if o := originOf(p.ReturnURL); o != "" {
		pol.formTargets = append(pol.formTargets, o)
	}
	lang := "en"
	if cs, err := s.eng.CheckoutSessionOf(r.Context(), p); err == nil {
		sp := sessionPolicy(cs)
		pol.formTargets = append(pol.formTargets, sp.formTargets...)
		pol.frameAncestors = sp.frameAncestors
		lang = cs.Locale
	}
	return pol, lang
}

func (s *Server) acsSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil || !s.checkCSRF(r, r.URL.Path) {
		pol, lang := policy{}, "en"
		if ch, err := s.eng.GetChallenge(r.Context(), "sandbox", r.PathValue("challenge")); err == nil {
			pol, lang = s.challengePolicy(r, ch.Payment)
		}
		t := textsFor(lang)
		s.message(w, r, http.StatusForbidden, lang, "", t["acsTitle"], t["acsExpired"], "", pol)
		return
	}
	p, err := s.eng.CompleteChallenge(r.Context(), "sandbox", r.PathValue("challenge"), r.PostForm.Get("otp"))
	if err != nil {
		s.acsError(w, r, err)
		return
	}
	s.acsDone(w, r, p)
}

// acsDone sends the payer back to the merchant (or the checkout), or says
// what happened when there is nowhere to go.
func (s *Server) acsDone(w http.ResponseWriter, r *http.Request, p *payment.Payment) {
	if p.ReturnURL != "" {
		u, err := url.Parse(p.ReturnURL)
		if err == nil {
			q := u.Query()
			q.Set("payment_id", p.ID)
			u.RawQuery = q.Encode()
			http.Redirect(w, r, u.String(), http.StatusSeeOther)
			return
		}
	}
	text := fmt.Sprintf("Payment %s is %s.", p.ID, p.Status)
	if p.FailureMessage != "" {
		text += " " + p.FailureMessage
	}
	s.message(w, r, http.StatusOK, "en", "", "3-D Secure complete", text, "", policy{})
}

func (s *Server) acsError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	text := "The challenge could not be completed."
	if fault.IsNotFound(err) {
		status, text = http.StatusNotFound, "This 3-D Secure challenge does not exist or has ended."
	}
	s.message(w, r, status, "en", "", "3-D Secure", text, "", policy{})
}
