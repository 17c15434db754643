package dashboard

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/recurring"
)

// subscriptionFormView is the new-subscription form and its confirmation.
type subscriptionFormView struct {
	view
	F         url.Values
	Intervals []string
	Fields    []string
	// Confirmation page only.
	Key, Summary string
}

var subscriptionFields = []string{"mandate", "amount", "currency", "interval", "interval_count", "cycles", "description"}

var intervals = []string{recurring.Day, recurring.Week, recurring.Month, recurring.Year}

func (s *Server) subscriptionForm(w http.ResponseWriter, r *http.Request, q *request, f url.Values, status int, msg string) {
	s.renderFor(w, r, q, status, "subscription-new", &subscriptionFormView{view: view{Title: "New subscription", Nav: "subscriptions", Error: msg},
		F: f, Intervals: intervals, Fields: subscriptionFields})
}

// newSubscription is the form (create_payments, as POST /v1/subscriptions).
func (s *Server) newSubscription(w http.ResponseWriter, r *http.Request, q *request) {
	s.subscriptionForm(w, r, q, url.Values{"interval": {recurring.Month}, "interval_count": {"1"}, "currency": {"EUR"}}, http.StatusOK, "")
}

// createSubscription is two steps like a payout: review, then a
// confirmation carrying an idempotency key made for it, so a double click
// or a reload schedules one subscription, not two (engine.Once).
func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	f := postedFields(r, subscriptionFields)
	cur, amount, msg := amountOf(f, 900)
	if msg != "" {
		s.subscriptionForm(w, r, q, f, http.StatusBadRequest, msg)
		return
	}
	count, err1 := strconv.Atoi(f.Get("interval_count"))
	cycles, err2 := 0, error(nil)
	if c := f.Get("cycles"); c != "" {
		cycles, err2 = strconv.Atoi(c)
	}
	if err1 != nil || err2 != nil || count < 1 || cycles < 0 {
		s.subscriptionForm(w, r, q, f, http.StatusBadRequest, "Every and cycles are whole numbers (every at least 1; cycles empty for no limit).")
		return
	}
	in := engine.SubscriptionInput{MandateID: f.Get("mandate"), Amount: amount, Currency: cur.Code, Interval: f.Get("interval"),
		IntervalCount: count, Cycles: cycles, Description: f.Get("description")}
	if r.PostForm.Get("step") != "confirm" {
		every := in.Interval
		if count > 1 {
			every = strconv.Itoa(count) + " " + in.Interval + "s"
		}
		summary := "Charge " + formatMoney(amount, cur.Code) + " every " + every + " on mandate " + in.MandateID
		if cycles > 0 {
			summary += ", " + strconv.Itoa(cycles) + " times"
		}
		s.renderFor(w, r, q, http.StatusOK, "subscription-confirm", &subscriptionFormView{view: view{Title: "Confirm subscription", Nav: "subscriptions"},
			F: f, Fields: subscriptionFields, Key: "dash_" + randomKey(), Summary: summary + "?"})
		return
	}
	key, fp, ok := confirmation(r, "subscription", f, subscriptionFields)
	if !ok {
		s.subscriptionForm(w, r, q, f, http.StatusBadRequest, "The confirmation is malformed; check the subscription and confirm again.")
		return
	}
	var createErr error
	id := ""
	replay, err := s.eng.Once(ctx, q.actor, &engine.Idempotency{Key: key, Fingerprint: fp}, func() (int, []byte) {
		sub, err := s.eng.CreateSubscription(ctx, q.actor, in)
		if err != nil {
			createErr = err
			return http.StatusBadRequest, nil // a failure keeps nothing: the form can be corrected
		}
		id = sub.ID
		return http.StatusCreated, []byte(sub.ID)
	}, nil)
	if err == nil {
		err = createErr
	}
	switch {
	case err != nil && (fault.KindOf(err) == fault.Invalid || fault.KindOf(err) == fault.Conflict || fault.KindOf(err) == fault.NotFound):
		s.subscriptionForm(w, r, q, f, http.StatusBadRequest, fault.As(err).Message)
		return
	case err != nil:
		s.fail(w, r, q, err)
		return
	}
	done := "subscription"
	if replay != nil {
		done, id = "replay", string(replay.Body)
	}
	http.Redirect(w, r, "/dashboard/subscriptions/"+url.PathEscape(id)+"?done="+done, http.StatusSeeOther)
}
