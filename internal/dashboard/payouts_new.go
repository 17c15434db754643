package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// payoutFormView is the new-payout form (to a bank account, a saved card
// or a card typed in) and its confirmation page.
type payoutFormView struct {
	view
	F        url.Values
	Balances []balanceRow
	// Confirmation page only.
	Key, AmountText, Account, AvailableText string
	Fields                                  []string
}

type balanceRow struct{ Currency, Available string }

// payoutFields are the form's fields, carried from the form to the
// confirmation page and back. A card typed in is not among them: its
// number goes into the vault at the review (a single-use token), and the
// confirmation page carries the token and its key instead.
var payoutFields = []string{"amount", "currency", "holder", "iban", "saved_card", "card_exp_month", "card_exp_year", "card_holder",
	"token", "token_key", "reference", "description"}

func (s *Server) payoutForm(w http.ResponseWriter, r *http.Request, q *request, f url.Values, status int, msg string) {
	v := &payoutFormView{view: view{Title: "New payout", Nav: "payouts", Error: msg}, F: f}
	bs, err := s.eng.Balance(r.Context(), q.actor)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	for _, b := range bs {
		v.Balances = append(v.Balances, balanceRow{Currency: b.Currency, Available: formatMoney(b.Available, b.Currency)})
	}
	s.renderFor(w, r, q, status, "payout-new", v)
}

// newPayout is the form (payout permission, as the API's POST /v1/payouts).
func (s *Server) newPayout(w http.ResponseWriter, r *http.Request, q *request) {
	f := url.Values{}
	if bs, err := s.eng.Balance(r.Context(), q.actor); err == nil && len(bs) > 0 {
		f.Set("currency", bs[0].Currency)
	}
	s.payoutForm(w, r, q, f, http.StatusOK, "")
}

// createPayout is the two-step payout: step=review shows what will leave
// the balance and where to; the confirmation posts step=confirm with an
// idempotency key made for that page, so a double click or a reload pays
// out once. The engine reserves the amount under the balance lock, so two
// people paying out at once never overdraw it.
func (s *Server) createPayout(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	f := postedFields(r, payoutFields)
	cur, amount, msg := amountOf(f, 6000)
	if msg != "" {
		s.payoutForm(w, r, q, f, http.StatusBadRequest, msg)
		return
	}
	iban := strings.ToUpper(strings.ReplaceAll(f.Get("iban"), " ", ""))
	saved := f.Get("saved_card")
	number := strings.TrimSpace(r.PostForm.Get("card_number"))
	if f.Get("token") != "" && r.PostForm.Get("step") != "confirm" {
		f.Set("token", "") // a token is made by the review, never taken from the form
	}
	dest := engine.PayoutInput{Amount: amount, Currency: cur.Code, Reference: f.Get("reference"), Description: f.Get("description")}
	var account string
	destinations := 0
	for _, set := range []bool{saved != "", f.Get("holder") != "" || iban != "", number != "" || f.Get("token") != ""} {
		if set {
			destinations++
		}
	}
	switch {
	case destinations > 1:
		s.payoutForm(w, r, q, f, http.StatusBadRequest, "Destination: give one of a bank account, a saved card or a card.")
		return
	case number != "":
		tok, msg, err := s.payoutToken(r, q, number, f)
		if err != nil {
			s.fail(w, r, q, err)
			return
		}
		if msg != "" {
			s.payoutForm(w, r, q, f, http.StatusBadRequest, msg)
			return
		}
		f.Set("token", tok.Method.ID)
		f.Set("token_key", tok.Key)
		dest.Token, dest.TokenKey = tok.Method.ID, tok.Key
		account = cardAccount(tok.Method.Card)
	case f.Get("token") != "":
		m, err := s.eng.GetPaymentMethod(ctx, q.actor, f.Get("token"))
		if fault.IsNotFound(err) {
			s.payoutForm(w, r, q, f, http.StatusBadRequest, "Card: the card typed in is no longer held; type it again.")
			return
		}
		if err != nil {
			s.fail(w, r, q, err)
			return
		}
		dest.Token, dest.TokenKey = m.ID, f.Get("token_key")
		account = cardAccount(m.Card)
	case saved != "":
		m, err := s.eng.GetPaymentMethod(ctx, q.actor, saved)
		if fault.IsNotFound(err) {
			s.payoutForm(w, r, q, f, http.StatusBadRequest, "Saved card: there is no saved card "+saved+" in this mode.")
			return
		}
		if err != nil {
			s.fail(w, r, q, err)
			return
		}
		dest.PaymentMethodID = m.ID
		account = "the saved card " + m.ID + " (" + m.Card.Brand + " ••••" + m.Card.Last4 + ")"
	case f.Get("holder") == "" || len(iban) < 8:
		s.payoutForm(w, r, q, f, http.StatusBadRequest, "Bank account: the holder's name and the IBAN are required (or give a saved card or a card).")
		return
	default:
		dest.Bank = &engine.BankInput{Holder: f.Get("holder"), IBAN: iban}
		account = f.Get("holder") + ", IBAN ••••" + iban[len(iban)-4:]
	}
	if r.PostForm.Get("step") != "confirm" {
		v := &payoutFormView{view: view{Title: "Confirm payout", Nav: "payouts"}, F: f, Key: "dash_" + randomKey(), Fields: payoutFields,
			AmountText: formatMoney(amount, cur.Code), Account: account}
		bs, err := s.eng.Balance(ctx, q.actor)
		if err != nil {
			s.fail(w, r, q, err)
			return
		}
		var available int64
		for _, b := range bs {
			if b.Currency == cur.Code {
				available = b.Available
			}
		}
		if amount > available {
			// Refused at the review, as the engine would refuse it after
			// the confirmation (it checks again under the balance lock).
			s.payoutForm(w, r, q, f, http.StatusBadRequest, fmt.Sprintf("Amount: %s is more than the %s available.",
				formatMoney(amount, cur.Code), formatMoney(available, cur.Code)))
			return
		}
		v.AvailableText = formatMoney(available, cur.Code)
		s.renderFor(w, r, q, http.StatusOK, "payout-confirm", v)
		return
	}
	key, fp, ok := confirmation(r, "payout", f, payoutFields)
	if !ok {
		s.payoutForm(w, r, q, f, http.StatusBadRequest, "The confirmation is malformed; check the payout and confirm again.")
		return
	}
	idem := &engine.Idempotency{Key: key, Fingerprint: fp,
		Render: func(res engine.Result, _ error) (int, []byte) {
			if res.Payout != nil {
				return http.StatusOK, []byte(res.Payout.ID)
			}
			return http.StatusOK, nil
		}}
	po, replay, err := s.eng.CreatePayout(ctx, q.actor, dest, idem)
	switch {
	case err != nil && (fault.KindOf(err) == fault.Invalid || fault.KindOf(err) == fault.Conflict):
		s.payoutForm(w, r, q, f, http.StatusBadRequest, fault.As(err).Message)
		return
	case err != nil:
		s.fail(w, r, q, err)
		return
	}
	id, done := "", "payout"
	if po != nil {
		id = po.ID
	}
	if replay != nil {
		id, done = string(replay.Body), "replay"
	}
	if id == "" {
		http.Redirect(w, r, "/dashboard/payouts?done="+done, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/dashboard/payouts/"+url.PathEscape(id)+"?done="+done, http.StatusSeeOther)
}

// payoutToken puts the card typed into the form into the vault as a
// single-use token (the engine checks it as a payout card: number, expiry,
// no security code). msg is the refusal to show on the form, which never
// shows the number again.
func (s *Server) payoutToken(r *http.Request, q *request, number string, f url.Values) (*engine.CardToken, string, error) {
	month, err1 := strconv.Atoi(f.Get("card_exp_month"))
	year, err2 := strconv.Atoi(f.Get("card_exp_year"))
	if err1 != nil || err2 != nil {
		return nil, "Card: the expiry month and year are required, such as 12 and 2030.", nil
	}
	tok, err := s.eng.CreatePayoutToken(r.Context(), q.actor, engine.CardInput{Number: number, ExpMonth: month, ExpYear: year, Holder: f.Get("card_holder")})
	if k := fault.KindOf(err); k == fault.Invalid || k == fault.Conflict {
		return nil, "Card: " + fault.As(err).Message + ".", nil
	}
	return tok, "", err
}

// cardAccount names a card destination on the confirmation page.
func cardAccount(c payment.Card) string {
	a := "the card " + c.Brand + " ••••" + c.Last4
	if c.Holder != "" {
		a += " (" + c.Holder + ")"
	}
	return a
}
