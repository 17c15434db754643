package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/payout"
	"github.com/paygate/paygate/internal/recurring"
)

type payoutRow struct {
	P           *payout.Payout
	Amount      string
	Destination string
	Card        cardView
}

// payoutRowOf describes a payout's destination as a person may see it: a
// card masked as every card is, a bank account by country and last four.
func payoutRowOf(p *payout.Payout, q *request) payoutRow {
	row := payoutRow{P: p, Amount: formatMoney(p.Amount, p.Currency.Code)}
	switch p.Destination.Type {
	case "card":
		row.Card = cardFor(p.Destination.Card, q)
	default:
		row.Destination = "Bank account"
		if p.Destination.BankCountry != "" {
			row.Destination += " (" + p.Destination.BankCountry + ")"
		}
		if p.Destination.BankLast4 != "" {
			row.Destination += " ••••" + p.Destination.BankLast4
		}
	}
	return row
}

type payoutsView struct {
	view
	Rows []payoutRow
	Next string
}

// payouts lists the mode's payouts, newest first (view_payments, as the
// API's GET /v1/payouts). New ones are made on payouts_new.go's form.
func (s *Server) payouts(w http.ResponseWriter, r *http.Request, q *request) {
	ps, err := s.eng.ListPayouts(r.Context(), q.actor, r.URL.Query().Get("after"), pageSize+1)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &payoutsView{view: view{Title: "Payouts", Nav: "payouts"}}
	if len(ps) > pageSize {
		ps = ps[:pageSize]
		v.Next = url.Values{"after": {ps[pageSize-1].ID}}.Encode()
	}
	for _, p := range ps {
		v.Rows = append(v.Rows, payoutRowOf(p, q))
	}
	s.renderFor(w, r, q, http.StatusOK, "payouts", v)
}

type payoutView struct {
	view
	payoutRow
}

func (s *Server) payoutDetail(w http.ResponseWriter, r *http.Request, q *request) {
	p, err := s.eng.GetPayout(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.renderFor(w, r, q, http.StatusOK, "payout", &payoutView{view: view{Title: "Payout " + p.ID, Nav: "payouts", Notice: notices[r.URL.Query().Get("done")]}, payoutRow: payoutRowOf(p, q)})
}

type scheduleRow struct {
	S      *recurring.Schedule
	Amount string
	Every  string
	Cycles string
}

func scheduleRowOf(sc *recurring.Schedule) scheduleRow {
	every := sc.Interval
	if sc.IntervalCount > 1 {
		every = strconv.Itoa(sc.IntervalCount) + " " + sc.Interval + "s"
	}
	cycles := strconv.Itoa(sc.CyclesPaid) + " paid"
	if sc.Cycles > 0 {
		cycles += " of " + strconv.Itoa(sc.Cycles)
	}
	return scheduleRow{S: sc, Amount: formatMoney(sc.Amount, sc.Currency.Code), Every: "every " + every, Cycles: cycles}
}

type subscriptionsView struct {
	view
	Rows []scheduleRow
	Next string
}

// subscriptions lists the mode's schedules, newest first (view_payments, as
// the API's GET /v1/subscriptions).
func (s *Server) subscriptions(w http.ResponseWriter, r *http.Request, q *request) {
	ss, err := s.eng.ListSubscriptions(r.Context(), q.actor, r.URL.Query().Get("after"), pageSize+1)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &subscriptionsView{view: view{Title: "Subscriptions", Nav: "subscriptions"}}
	if len(ss) > pageSize {
		ss = ss[:pageSize]
		v.Next = url.Values{"after": {ss[pageSize-1].ID}}.Encode()
	}
	for _, sc := range ss {
		v.Rows = append(v.Rows, scheduleRowOf(sc))
	}
	s.renderFor(w, r, q, http.StatusOK, "subscriptions", v)
}

type subscriptionView struct {
	view
	scheduleRow
	// Actions are what the person may do to the schedule in its state.
	Actions []string
}

func (s *Server) subscriptionDetail(w http.ResponseWriter, r *http.Request, q *request) {
	sc, err := s.eng.GetSubscription(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	v := &subscriptionView{view: view{Title: "Subscription " + sc.ID, Nav: "subscriptions", Notice: notices[r.URL.Query().Get("done")]}, scheduleRow: scheduleRowOf(sc)}
	if q.can(auth.PermCreatePayments) {
		v.Actions = subscriptionActions(sc.Status)
	}
	s.renderFor(w, r, q, http.StatusOK, "subscription", v)
}

func subscriptionActions(st recurring.Status) []string {
	switch st {
	case recurring.Active:
		return []string{"pause", "cancel"}
	case recurring.Paused, recurring.PastDue:
		return []string{"resume", "cancel"}
	}
	return nil
}

var subscriptionWords = map[string]struct{ text, button string }{
	"pause":  {"Pause subscription %s? No cycle is charged until it is resumed.", "Yes, pause"},
	"resume": {"Resume subscription %s? Its due cycle is charged to the saved card.", "Yes, resume"},
	"cancel": {"Cancel subscription %s? No further cycle is charged. This cannot be undone.", "Yes, cancel the subscription"},
}

// subscriptionAction pauses, resumes or cancels a schedule after a
// confirmation page (create_payments, as the API's routes).
func (s *Server) subscriptionAction(act string) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, q *request) {
		ctx := r.Context()
		sc, err := s.eng.GetSubscription(ctx, q.actor, r.PathValue("id"))
		if err != nil {
			s.fail(w, r, q, err)
			return
		}
		back := "/dashboard/subscriptions/" + url.PathEscape(sc.ID)
		if r.PostForm.Get("step") != "confirm" {
			words := subscriptionWords[act]
			s.renderFor(w, r, q, http.StatusOK, "ask", &askView{view: view{Title: "Confirm", Nav: "subscriptions"},
				Heading: titleCase(act) + " subscription", Text: fmt.Sprintf(words.text, sc.ID+" ("+scheduleRowOf(sc).Amount+" "+scheduleRowOf(sc).Every+")"),
				Action: back + "/" + act, Button: words.button, Back: back})
			return
		}
		if _, err := s.eng.ChangeSubscription(ctx, q.actor, sc.ID, act); err != nil {
			s.fail(w, r, q, err)
			return
		}
		http.Redirect(w, r, back+"?done=subscription-"+act, http.StatusSeeOther)
	}
}
