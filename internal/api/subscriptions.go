package api

import (
	"net/http"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/recurring"
)

type subscriptionJSON struct {
	ID            string            `json:"id"`
	Object        string            `json:"object"`
	Mode          string            `json:"mode"`
	Status        string            `json:"status"`
	Customer      string            `json:"customer"`
	Mandate       string            `json:"mandate"`
	Amount        int64             `json:"amount"`
	Currency      string            `json:"currency"`
	Interval      string            `json:"interval"`
	IntervalCount int               `json:"interval_count"`
	StartAt       string            `json:"start_at"`
	Cycles        *int              `json:"cycles"`
	EndAt         *string           `json:"end_at"`
	CyclesPaid    int               `json:"cycles_paid"`
	FailedTries   int               `json:"failed_attempts"`
	NextChargeAt  *string           `json:"next_charge_at"`
	RetryDelays   []int64           `json:"retry_delays"`
	LastPayment   *string           `json:"last_payment"`
	Description   *string           `json:"description"`
	Metadata      map[string]string `json:"metadata"`
	CreatedAt     string            `json:"created_at"`
}

func subscriptionView(s *recurring.Schedule) subscriptionJSON {
	v := subscriptionJSON{ID: s.ID, Object: "subscription", Mode: string(s.Mode), Status: string(s.Status), Customer: s.CustomerID,
		Mandate: s.MandateID, Amount: s.Amount, Currency: s.Currency.Code, Interval: s.Interval, IntervalCount: s.IntervalCount,
		StartAt: ts(s.StartAt), CyclesPaid: s.CyclesPaid, FailedTries: s.Attempt, RetryDelays: []int64{}, LastPayment: opt(s.LastPayment),
		Description: opt(s.Description), Metadata: meta(s.Metadata), CreatedAt: ts(s.CreatedAt)}
	if s.Cycles > 0 {
		v.Cycles = &s.Cycles
	}
	if s.EndAt != nil {
		t := ts(*s.EndAt)
		v.EndAt = &t
	}
	if s.Status == recurring.Active || s.Status == recurring.Paused {
		t := ts(s.NextChargeAt)
		v.NextChargeAt = &t
	}
	for _, d := range s.RetryDelays {
		v.RetryDelays = append(v.RetryDelays, int64(d/time.Second))
	}
	return v
}

type subscriptionRequest struct {
	Mandate       string            `json:"mandate"`
	Amount        *int64            `json:"amount"`
	Currency      *string           `json:"currency"`
	Interval      string            `json:"interval"`
	IntervalCount int               `json:"interval_count"`
	StartAt       string            `json:"start_at"`
	Cycles        int               `json:"cycles"`
	EndAt         string            `json:"end_at"`
	RetryDelays   []int64           `json:"retry_delays"`
	Description   string            `json:"description"`
	Metadata      map[string]string `json:"metadata"`
}

func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request) {
	req, ok := readJSON[subscriptionRequest](s, w, r, false)
	if !ok {
		return
	}
	in := engine.SubscriptionInput{MandateID: req.Mandate, Interval: req.Interval, IntervalCount: req.IntervalCount, Cycles: req.Cycles,
		Description: req.Description, Metadata: req.Metadata}
	switch {
	case req.Mandate == "":
		writeProblem(w, r, fault.InvalidParam("mandate", "parameter_missing", "mandate is required (from an initial recurring payment)"))
		return
	case req.Amount == nil:
		writeProblem(w, r, fault.InvalidParam("amount", "parameter_missing", "amount is required (an integer in the currency's minor unit)"))
		return
	case req.Currency == nil:
		writeProblem(w, r, fault.InvalidParam("currency", "parameter_missing", "currency is required (ISO 4217 code such as USD)"))
		return
	}
	in.Amount, in.Currency = *req.Amount, *req.Currency
	for param, dst := range map[string]*string{"start_at": &req.StartAt, "end_at": &req.EndAt} {
		if *dst == "" {
			continue
		}
		t, err := parseTime(*dst)
		if err != nil {
			writeProblem(w, r, fault.InvalidParam(param, "parameter_invalid", "%s must be an RFC 3339 time or unix seconds", param))
			return
		}
		if param == "start_at" {
			in.StartAt = t
		} else {
			in.EndAt = &t
		}
	}
	if req.RetryDelays != nil {
		in.RetryDelays = []time.Duration{}
		for _, d := range req.RetryDelays {
			in.RetryDelays = append(in.RetryDelays, time.Duration(d)*time.Second)
		}
	}
	sub, err := s.engine.CreateSubscription(r.Context(), actorOf(r.Context()), in)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusCreated, mustJSON(subscriptionView(sub)))
}

func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) {
	sub, err := s.engine.GetSubscription(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(subscriptionView(sub)))
}

func (s *Server) listSubscriptions(w http.ResponseWriter, r *http.Request) {
	limit, after, ok := pageParams(w, r)
	if !ok {
		return
	}
	subs, err := s.engine.ListSubscriptions(r.Context(), actorOf(r.Context()), after, limit+1)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	page(w, subs, limit, func(s *recurring.Schedule) string { return s.ID }, subscriptionView)
}

// changeSubscription serves pause, resume and cancel.
func (s *Server) changeSubscription(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := readJSON[struct{}](s, w, r, true); !ok {
			return
		}
		sub, err := s.engine.ChangeSubscription(r.Context(), actorOf(r.Context()), r.PathValue("id"), action)
		if err != nil {
			writeProblem(w, r, err)
			return
		}
		writeBody(w, http.StatusOK, mustJSON(subscriptionView(sub)))
	}
}
