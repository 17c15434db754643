package api

import (
	"net/http"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payout"
)

type payoutDestinationJSON struct {
	Type          string    `json:"type"`
	PaymentMethod *string   `json:"payment_method"`
	Card          *cardJSON `json:"card"`
	BankLast4     *string   `json:"bank_last4"`
	BankCountry   *string   `json:"bank_country"`
	Holder        *string   `json:"holder"`
}

type payoutJSON struct {
	ID             string                `json:"id"`
	Object         string                `json:"object"`
	Mode           string                `json:"mode"`
	Status         string                `json:"status"`
	Amount         int64                 `json:"amount"`
	Currency       string                `json:"currency"`
	Destination    payoutDestinationJSON `json:"destination"`
	Description    *string               `json:"description"`
	Reference      *string               `json:"reference"`
	Metadata       map[string]string     `json:"metadata"`
	Processor      string                `json:"processor"`
	FailureCode    *string               `json:"failure_code"`
	FailureMessage *string               `json:"failure_message"`
	CreatedAt      string                `json:"created_at"`
}

func payoutView(p *payout.Payout) payoutJSON {
	d := p.Destination
	v := payoutJSON{ID: p.ID, Object: "payout", Mode: string(p.Mode), Status: string(p.Status), Amount: p.Amount, Currency: p.Currency.Code,
		Destination: payoutDestinationJSON{Type: d.Type, PaymentMethod: opt(d.PaymentMethodID), BankLast4: opt(d.BankLast4), BankCountry: opt(d.BankCountry), Holder: opt(d.Holder)},
		Description: opt(p.Description), Reference: opt(p.Reference), Metadata: meta(p.Metadata), Processor: p.Connector,
		FailureCode: opt(p.FailureCode), FailureMessage: opt(p.FailureMessage), CreatedAt: ts(p.CreatedAt)}
	if d.Type == "card" {
		c := d.Card
		v.Destination.Card = &cardJSON{Brand: c.Brand, First6: c.First6, Last4: c.Last4, ExpMonth: c.ExpMonth, ExpYear: c.ExpYear, Holder: opt(c.Holder), Fingerprint: opt(c.Fingerprint)}
	}
	return v
}

type bankRequest struct {
	Holder        string `json:"holder"`
	IBAN          string `json:"iban"`
	AccountNumber string `json:"account_number"`
	RoutingNumber string `json:"routing_number"`
	Country       string `json:"country"`
}

type payoutRequest struct {
	Amount      *int64  `json:"amount"`
	Currency    *string `json:"currency"`
	Destination *struct {
		Type        string       `json:"type"`
		Card        *cardRequest `json:"card"`
		Token       string       `json:"token"`
		Key         string       `json:"key"`
		ID          string       `json:"id"`
		BankAccount *bankRequest `json:"bank_account"`
	} `json:"destination"`
	Description string            `json:"description"`
	Reference   string            `json:"reference"`
	Metadata    map[string]string `json:"metadata"`
}

// payoutStatus answers 402 for a refused payout, as for a declined payment.
func payoutStatus(p *payout.Payout) int {
	if p.Status == payout.Failed {
		return http.StatusPaymentRequired
	}
	return http.StatusCreated
}

func (s *Server) createPayout(w http.ResponseWriter, r *http.Request) {
	body, key, ok := s.post(w, r, false)
	if !ok {
		return
	}
	var req payoutRequest
	if err := decodeJSON(body, &req); err != nil {
		writeProblem(w, r, err)
		return
	}
	var in engine.PayoutInput
	switch {
	case req.Amount == nil:
		writeProblem(w, r, fault.InvalidParam("amount", "parameter_missing", "amount is required (an integer in the currency's minor unit)"))
		return
	case req.Currency == nil:
		writeProblem(w, r, fault.InvalidParam("currency", "parameter_missing", "currency is required (ISO 4217 code such as USD)"))
		return
	case req.Destination == nil:
		writeProblem(w, r, fault.InvalidParam("destination", "parameter_missing", "destination is required"))
		return
	}
	d := req.Destination
	switch d.Type {
	case "card":
		in.Card = d.Card.input()
		if in.Card == nil {
			writeProblem(w, r, fault.InvalidParam("destination.card", "parameter_missing", "destination.card is required for type card"))
			return
		}
	case "token":
		if d.Token == "" {
			writeProblem(w, r, fault.InvalidParam("destination.token", "parameter_missing", "destination.token is required for type token"))
			return
		}
		in.Token, in.TokenKey = d.Token, d.Key
	case "saved_card":
		in.PaymentMethodID = d.ID
	case "bank_account":
		if d.BankAccount == nil {
			writeProblem(w, r, fault.InvalidParam("destination.bank_account", "parameter_missing", "destination.bank_account is required for type bank_account"))
			return
		}
		b := engine.BankInput(*d.BankAccount)
		in.Bank = &b
	default:
		writeProblem(w, r, fault.InvalidParam("destination.type", "parameter_invalid", "destination.type must be card, token, saved_card or bank_account"))
		return
	}
	in.Amount, in.Currency, in.Description, in.Reference, in.Metadata = *req.Amount, *req.Currency, req.Description, req.Reference, req.Metadata
	render := func(res engine.Result, err error) (int, []byte) {
		if err != nil {
			return problemFor(err, requestID(r.Context()))
		}
		return payoutStatus(res.Payout), mustJSON(payoutView(res.Payout))
	}
	fp := func() string { return fingerprint(r, body) }
	p, replay, err := s.engine.CreatePayout(r.Context(), actorOf(r.Context()), in, idempotency(key, fp, render))
	s.answer(w, r, replay, err, func() (int, []byte) { return render(engine.Result{Payout: p}, nil) })
}

func (s *Server) getPayout(w http.ResponseWriter, r *http.Request) {
	p, err := s.engine.GetPayout(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(payoutView(p)))
}

func (s *Server) listPayouts(w http.ResponseWriter, r *http.Request) {
	limit, after, ok := pageParams(w, r)
	if !ok {
		return
	}
	ps, err := s.engine.ListPayouts(r.Context(), actorOf(r.Context()), after, limit+1)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	page(w, ps, limit, func(p *payout.Payout) string { return p.ID }, payoutView)
}
