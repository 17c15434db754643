package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// post reads the body and the idempotency key of a POST; on failure it has
// already written the problem.
func (s *Server) post(w http.ResponseWriter, r *http.Request, emptyOK bool) (body []byte, key string, ok bool) {
	key, err := idempotencyKey(r)
	if err == nil {
		body, err = readBody(r, s.limit, emptyOK)
	}
	if err != nil {
		writeProblem(w, r, err)
		return nil, "", false
	}
	return body, key, true
}

// readJSON reads a POST body into a T; on failure it has written the problem.
func readJSON[T any](s *Server, w http.ResponseWriter, r *http.Request, emptyOK bool) (T, bool) {
	var req T
	body, _, ok := s.post(w, r, emptyOK)
	if !ok {
		return req, false
	}
	if err := decodeJSON(body, &req); err != nil {
		writeProblem(w, r, err)
		return req, false
	}
	return req, true
}

// renderPayment is both the live answer and the stored idempotent one.
//
// The function remembers its last answer: asked again for the same payment
// (the fresh answer, after the engine stored the replay in its recording
// transaction) it returns the stored bytes instead of rendering a second
// time, so the first answer and every replay are identical by construction.
func renderPayment(okStatus int, rid string) func(engine.Result, error) (int, []byte) {
	var last *payment.Payment
	var lastStatus int
	var lastBody []byte
	return func(res engine.Result, err error) (int, []byte) {
		if err != nil {
			return problemFor(err, rid)
		}
		if res.Payment != nil && res.Payment == last {
			return lastStatus, lastBody
		}
		status, body := paymentStatus(res.Payment, okStatus), mustJSON(paymentView(res.Payment, nil))
		last, lastStatus, lastBody = res.Payment, status, body
		return status, body
	}
}

func (s *Server) createPayment(w http.ResponseWriter, r *http.Request) {
	body, key, ok := s.post(w, r, false)
	if !ok {
		return
	}
	var req createPaymentRequest
	if err := decodeJSON(body, &req); err != nil {
		writeProblem(w, r, err)
		return
	}
	if err := req.check(); err != nil {
		writeProblem(w, r, err)
		return
	}
	in := req.input()
	render := renderPayment(http.StatusCreated, requestID(r.Context()))
	fp := func() string { return fingerprintOf(r, req.withoutCardData()) }
	p, replay, err := s.engine.CreatePayment(r.Context(), actorOf(r.Context()), in, idempotency(key, fp, render))
	s.answer(w, r, replay, err, func() (int, []byte) { return render(engine.Result{Payment: p}, nil) })
}

// answer writes a replay, an error, or the fresh result.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, replay *engine.Replay, err error, fresh func() (int, []byte)) {
	switch {
	case replay != nil:
		writeReplay(w, replay)
	case err != nil:
		writeProblem(w, r, err)
	default:
		status, body := fresh()
		writeBody(w, status, body)
	}
}

func (s *Server) getPayment(w http.ResponseWriter, r *http.Request) {
	p, ops, err := s.engine.GetPayment(r.Context(), actorOf(r.Context()), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(paymentView(p, ops)))
}

func (s *Server) capturePayment(w http.ResponseWriter, r *http.Request) {
	body, key, ok := s.post(w, r, true)
	if !ok {
		return
	}
	var req captureRequest
	if err := decodeJSON(body, &req); err != nil {
		writeProblem(w, r, err)
		return
	}
	render := renderPayment(http.StatusOK, requestID(r.Context()))
	p, replay, err := s.engine.Capture(r.Context(), actorOf(r.Context()), r.PathValue("id"), req.Amount, idempotency(key, func() string { return fingerprint(r, body) }, render))
	s.answer(w, r, replay, err, func() (int, []byte) { return http.StatusOK, mustJSON(paymentView(p, nil)) })
}

func (s *Server) voidPayment(w http.ResponseWriter, r *http.Request) {
	body, key, ok := s.post(w, r, true)
	if !ok {
		return
	}
	var req struct{}
	if err := decodeJSON(body, &req); err != nil {
		writeProblem(w, r, err)
		return
	}
	render := renderPayment(http.StatusOK, requestID(r.Context()))
	p, replay, err := s.engine.Void(r.Context(), actorOf(r.Context()), r.PathValue("id"), idempotency(key, func() string { return fingerprint(r, body) }, render))
	s.answer(w, r, replay, err, func() (int, []byte) { return http.StatusOK, mustJSON(paymentView(p, nil)) })
}

func (s *Server) refundPayment(w http.ResponseWriter, r *http.Request) {
	body, key, ok := s.post(w, r, true)
	if !ok {
		return
	}
	var req refundRequest
	if err := decodeJSON(body, &req); err != nil {
		writeProblem(w, r, err)
		return
	}
	rid := requestID(r.Context())
	render := func(res engine.Result, err error) (int, []byte) {
		if err != nil {
			return problemFor(err, rid)
		}
		return http.StatusCreated, mustJSON(operationView(res.Operation, "refund"))
	}
	op, _, replay, err := s.engine.Refund(r.Context(), actorOf(r.Context()), r.PathValue("id"),
		engine.RefundInput{Amount: req.Amount, Reason: req.Reason, Metadata: req.Metadata}, idempotency(key, func() string { return fingerprint(r, body) }, render))
	s.answer(w, r, replay, err, func() (int, []byte) { return render(engine.Result{Operation: op}, nil) })
}

func (s *Server) listPayments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := engine.PaymentFilter{Status: payment.Status(q.Get("status")), Reference: q.Get("reference"), StartingAfter: q.Get("starting_after"),
		Customer: q.Get("customer")}
	var err error
	if v := q.Get("limit"); v != "" {
		// 0 would read as "not given" below: refuse it here, as elsewhere.
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > 100 {
			writeProblem(w, r, fault.InvalidParam("limit", "parameter_invalid", "limit must be an integer between 1 and 100"))
			return
		}
	}
	for param, dst := range map[string]*time.Time{"created[gte]": &f.CreatedGTE, "created[lt]": &f.CreatedLT} {
		if v := q.Get(param); v != "" {
			if *dst, err = parseTime(v); err != nil {
				writeProblem(w, r, fault.InvalidParam(param, "parameter_invalid", "%s must be an RFC 3339 time or unix seconds", param))
				return
			}
		}
	}
	ps, more, err := s.engine.ListPayments(r.Context(), actorOf(r.Context()), f)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	out := listJSON{Object: "list", Data: make([]paymentJSON, 0, len(ps)), HasMore: more}
	for _, p := range ps {
		out.Data = append(out.Data, paymentView(p, nil))
	}
	if more {
		out.NextCursor = &ps[len(ps)-1].ID
	}
	writeBody(w, http.StatusOK, mustJSON(out))
}

func parseTime(v string) (time.Time, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	return time.Parse(time.RFC3339Nano, v)
}

func (s *Server) getBalance(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r.Context())
	bs, err := s.engine.Balance(r.Context(), a)
	if err != nil {
		writeProblem(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, mustJSON(balanceView(a.Mode, bs)))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeBody(w, http.StatusOK, []byte(`{"status":"ok"}`))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if err := s.engine.Store().Ping(r.Context()); err != nil {
		logger(r.Context()).Warn("store not ready", "err", err)
		writeBody(w, http.StatusServiceUnavailable, []byte(`{"status":"unavailable"}`))
		return
	}
	writeBody(w, http.StatusOK, []byte(`{"status":"ok"}`))
}
