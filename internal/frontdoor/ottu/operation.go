package ottu

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// OperationRequest is a body of POST /b/pbl/v2/operation/.
type OperationRequest struct {
	OrderNo     string          `json:"order_no"`
	SessionID   string          `json:"session_id"`
	Operation   string          `json:"operation"`
	Amount      decimal         `json:"amount"`
	Extra       json.RawMessage `json:"extra"`
	Destination string          `json:"destination"`
}

// Operations Ottu knows; external ones go to the processor.
var (
	Operations = []string{"refund", "capture", "void", "cancel", "expire", "delete"}
	external   = []string{"refund", "capture", "void"}
)

// operationNeeds is what a person needs for each operation (keys need payments:write).
var operationNeeds = map[string]auth.Need{
	"refund": {Scope: auth.ScopeRefundsWrite, Perm: auth.PermRefund}, "capture": {Scope: auth.ScopePaymentsWrite, Perm: auth.PermCapture},
	"void": {Scope: auth.ScopePaymentsWrite, Perm: auth.PermVoid}, "cancel": {Scope: auth.ScopePaymentsWrite, Perm: auth.PermCreatePayments},
	"expire": {Scope: auth.ScopePaymentsWrite, Perm: auth.PermCreatePayments}, "delete": {Scope: auth.ScopePaymentsWrite, Perm: auth.PermCreatePayments},
}

// ParseOperationRequest decodes and checks an operation body.
func ParseOperationRequest(b []byte) (*OperationRequest, error) {
	var req OperationRequest
	if err := decodeJSON(b, &req); err != nil {
		return nil, err
	}
	switch {
	case req.Operation == "":
		return nil, fieldErr("operation", "This field is required.")
	case !slices.Contains(Operations, req.Operation):
		return nil, fieldErr("operation", "Operation not supported.")
	case req.OrderNo == "" && req.SessionID == "":
		return nil, fieldErr("non_field_errors", "Either order_no or session_id is required.")
	case req.Destination != "" && req.Destination != "pg" && req.Destination != "wallet":
		return nil, fieldErr("destination", "\""+req.Destination+"\" is not a valid choice.")
	case req.Destination == "wallet":
		return nil, fieldErr("destination", "Wallet refunds are not supported.")
	case req.Amount != "" && (req.Operation != "refund" && req.Operation != "capture"):
		return nil, fieldErr("amount", "Amount is accepted only for refund and capture.")
	}
	return &req, nil
}

// findSession resolves session_id, or order_no (the newest session with
// that reference among the latest 500).
func (s *Server) findSession(ctx context.Context, a engine.Actor, req *OperationRequest) (*checkout.Session, error) {
	if req.SessionID != "" {
		sess, err := s.e.GetCheckoutSession(ctx, a, req.SessionID)
		if err == nil && req.OrderNo != "" && sess.Reference != req.OrderNo {
			return nil, fault.NotFoundf("checkout session", req.SessionID)
		}
		return sess, err
	}
	after := ""
	for range 5 {
		ss, err := s.e.ListCheckoutSessions(ctx, a, after, 100)
		if err != nil {
			return nil, err
		}
		for _, sess := range ss {
			if sess.Reference == req.OrderNo {
				return sess, nil
			}
		}
		if len(ss) < 100 {
			break
		}
		after = ss[len(ss)-1].ID
	}
	return nil, fault.NotFoundf("checkout session", req.OrderNo)
}

var errBadState = fault.New(fault.Conflict, "invalid_state", "Invalid state for operation.")

// operation is POST /b/pbl/v2/operation/. A Tracking-Key header makes an
// external operation idempotent: the same key and session answer the
// original result.
func (s *Server) operation(w http.ResponseWriter, r *http.Request) {
	ctx, a := r.Context(), actorOf(r)
	var raw json.RawMessage
	if err := s.readJSON(r, &raw); err != nil {
		s.fail(w, r, err)
		return
	}
	req, err := ParseOperationRequest(raw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ok, _ := a.Principal.Allows(operationNeeds[req.Operation]); !ok {
		s.fail(w, r, errNoAccess)
		return
	}
	sess, err := s.findSession(ctx, a, req)
	if err == nil && sess.Metadata[closedKey] == "deleted" {
		err = fault.NotFoundf("checkout session", sess.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var p *payment.Payment
	if sess.PaymentID != "" {
		if p, _, err = s.e.GetPayment(ctx, a, sess.PaymentID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !slices.Contains(external, req.Operation) {
		s.internal(w, r, a, req, sess, p)
		return
	}
	s.external(w, r, a, req, sess, p)
}

// internal runs cancel, expire and delete on the session.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, a engine.Actor, req *OperationRequest, sess *checkout.Session, p *payment.Payment) {
	state := State(sess, p)
	allowed := map[string][]string{"cancel": cancelable, "expire": expirable, "delete": deletable}[req.Operation]
	if !slices.Contains(allowed, state) {
		s.fail(w, r, errBadState)
		return
	}
	mark := map[string]string{"cancel": "canceled", "expire": "expired", "delete": "deleted"}[req.Operation]
	ch := engine.CheckoutChange{Metadata: map[string]string{closedKey: mark}, Close: true}
	if _, err := s.e.ChangeCheckoutSession(r.Context(), a, sess.ID, ch); err != nil {
		if fault.KindOf(err) == fault.Conflict {
			err = errBadState
		}
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"detail": "The operation " + req.Operation + " was successful.", "operation": req.Operation, "result": "success"})
}

// external runs refund, capture and void on the session's payment.
func (s *Server) external(w http.ResponseWriter, r *http.Request, a engine.Actor, req *OperationRequest, sess *checkout.Session, p *payment.Payment) {
	ctx := r.Context()
	if p == nil {
		s.fail(w, r, errBadState)
		return
	}
	var amt *int64
	if req.Amount != "" {
		v, err := amount(req.Amount, p.Currency)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		amt = &v
	}
	state := State(sess, p)
	need := map[string][]string{"refund": {StatePaid}, "capture": {StateAuthorized}, "void": {StateAuthorized}}[req.Operation]
	if !slices.Contains(need, state) {
		s.fail(w, r, errBadState)
		return
	}
	// The key is read before the engine call: Render runs inside the
	// engine's transaction and must not touch the store.
	key, err := s.e.NotificationSecret(ctx, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var idem *engine.Idempotency
	// rendered is the stored answer, sent as is so that a replay is byte-identical.
	var rendered []byte
	renderedStatus := 0
	render := func(res engine.Result, err error) (int, []byte) {
		status, body := errorBody(err)
		if err == nil {
			status, body = http.StatusOK, operationView(key, s.now(), req.Operation, sess, res.Payment, res.Operation)
		}
		b, _ := json.Marshal(body)
		rendered, renderedStatus = b, status
		return status, b
	}
	if tk := strings.TrimSpace(r.Header.Get("Tracking-Key")); tk != "" {
		idem = &engine.Idempotency{Key: "ottu:" + sess.ID + ":" + tk, Fingerprint: req.Operation + "|" + string(req.Amount), Render: render}
	}
	var (
		got    *payment.Payment
		op     *payment.Operation
		replay *engine.Replay
	)
	switch req.Operation {
	case "refund":
		op, got, replay, err = s.e.Refund(ctx, a, p.ID, engine.RefundInput{Amount: amt}, idem)
	case "capture":
		got, replay, err = s.e.Capture(ctx, a, p.ID, amt, idem)
	case "void":
		got, replay, err = s.e.Void(ctx, a, p.ID, idem)
	}
	switch {
	case replay != nil:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(replay.Status)
		w.Write(replay.Body)
	case err != nil:
		if fe := fault.As(err); fe.Kind == fault.Invalid && fe.Param == "amount" {
			err = fieldErr("amount", "Amount exceeds balance.")
		}
		s.fail(w, r, err)
	case rendered != nil && renderedStatus == http.StatusOK:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(renderedStatus)
		w.Write(rendered)
	default:
		if got == nil {
			got = p
		}
		writeJSON(w, http.StatusOK, operationView(key, s.now(), req.Operation, sess, got, op))
	}
}

// operationView is the answer to an external operation, and the body of
// the operation webhook, signed like the payment webhook.
func operationView(key string, now time.Time, operation string, sess *checkout.Session, p *payment.Payment, op *payment.Operation) map[string]any {
	if p == nil {
		return map[string]any{"operation": operation, "result": "failed", "success": false}
	}
	opAmount := p.Captured
	ref := p.ID
	success := true
	switch {
	case op != nil:
		opAmount, ref, success = op.Amount, op.ID, op.Status != payment.OpFailed
	case operation == "void":
		opAmount = p.Authorized
	}
	result := "success"
	if !success {
		result = "failed"
	}
	v := map[string]any{
		"amount": money.Format(opAmount, p.Currency), "currency_code": p.Currency.Code, "session_id": sess.ID, "order_no": sess.Reference,
		"operation": operation, "pg_code": p.Config, "reference_number": ref, "source": "input", "success": success, "result": result,
		"timestamp_utc": stamp(now), "is_sandbox": p.Mode == payment.Sandbox, "gateway_name": p.Connector, "state": State(sess, p),
		"txn": map[string]string{"amount": money.Format(p.Amount, p.Currency), "currency_code": p.Currency.Code, "order_no": sess.Reference,
			"session_id": sess.ID, "state": State(sess, p)},
		"pg_response": map[string]string{"result": result},
	}
	v["signature"] = Sign(stringFields(v), key)
	return v
}
