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
	nonce := s.secure(w, r, policy{formTargets: s.targetsOf(r, ch.Payment)})
	t := textsFor("en")
	s.render(w, http.StatusOK, "acs", acsView{view: view{Lang: "en", Dir: "ltr", Title: "3-D Secure", Nonce: nonce, T: t},
		Merchant: ch.Merchant, Amount: engine.FormatAmount(ch.Info.Amount.Minor, ch.Info.Amount.Currency),
		Card: brandLabel(ch.Info.Brand) + " •••• " + ch.Info.Last4, Action: r.URL.Path, CSRF: s.csrfToken(r.URL.Path)})
}

// targetsOf lists where the challenge form's redirects may lead: the
// payment's return URL and, for a checkout payment, the merchant's success
// and cancel pages the checkout sends the payer on to (form-action covers
// the whole redirect chain).
func (s *Server) targetsOf(r *http.Request, p *payment.Payment) []string {
	var out []string
	if o := originOf(p.ReturnURL); o != "" {
		out = append(out, o)
	}
	if cs, err := s.eng.CheckoutSessionOf(r.Context(), p); err == nil {
		out = append(out, sessionPolicy(cs).formTargets...)
	}
	return out
}

func (s *Server) acsSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil || !s.checkCSRF(r, r.URL.Path) {
		s.message(w, r, http.StatusForbidden, "en", "", "3-D Secure", "This form has expired. Go back and try again.", "", policy{})
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
