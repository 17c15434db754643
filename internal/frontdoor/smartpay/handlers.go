package smartpay

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// create is POST /payment/creation: a checkout session whose GUID is the
// transactionId and whose checkout token initializes the widget.
func (s *Server) create(w http.ResponseWriter, r *http.Request, a engine.Actor) {
	ctx := r.Context()
	b, err := s.body(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	req, err := ParseCreate(b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := checkMerchantKey(a, req.MerchantKey); err != nil {
		s.fail(w, r, err)
		return
	}
	amount, cur, _ := ParseMoney("payment", req.Payment)
	if req.PartnerReference != "" {
		if _, err := s.e.FindDoorReference(ctx, a, Door, req.PartnerReference); err == nil {
			s.fail(w, r, errDuplicatePartner)
			return
		} else if !fault.IsNotFound(err) {
			s.fail(w, r, err)
			return
		}
	}
	in := engine.CheckoutInput{Amount: amount, Currency: cur.Code, CaptureMethod: payment.CaptureManual,
		Description: req.Payment.Description, Reference: req.PartnerReference, Locale: locale(r.Header.Get("Accept-Language")),
		NotificationURL: req.NotificationURL, Door: Door, Metadata: map[string]string{}}
	if req.AutoCapture {
		in.CaptureMethod = payment.CaptureAutomatic
	}
	for k, v := range req.CustomReferences {
		in.Metadata["smartpay_"+k] = v
	}
	if req.ShopCountry != "" {
		in.Metadata["smartpay_shop_country"] = req.ShopCountry
	}
	origin := originOf(r.Header.Get("Origin"))
	if origin != "" {
		in.EmbedOrigins = []string{origin}
	}
	switch {
	case req.ReturnURL != "":
		in.SuccessURL, in.CancelURL = req.ReturnURL, req.ReturnURL
	case origin != "":
		q := url.Values{"o": {origin}}
		in.SuccessURL = s.base(r) + Prefix + "widget/return?r=success&" + q.Encode()
		in.CancelURL = s.base(r) + Prefix + "widget/return?r=cancel&" + q.Encode()
	default:
		s.fail(w, r, badField("Origin", "the Origin header (the shop's origin that shows the widget) or returnUrl is required"))
		return
	}
	if req.CustomerAccountID != "" {
		if in.Customer, err = s.customer(ctx, a, req); err != nil {
			s.fail(w, r, err)
			return
		}
		in.SaveCard = true
	}
	created, err := s.e.CreateCheckoutSession(ctx, a, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if req.PartnerReference != "" {
		// A racing twin loses here; its session stays unpaid (its token was
		// never shown) and expires.
		if err := s.e.ReserveDoorReference(ctx, a, Door, req.PartnerReference, created.Session.ID); err != nil {
			if fault.KindOf(err) == fault.Conflict {
				err = errDuplicatePartner
			}
			s.fail(w, r, err)
			return
		}
	}
	writeRaw(w, http.StatusOK, marshal(createdJSON{TransactionID: TransactionID(created.Session.ID), CheckoutToken: created.Token,
		PaymentStatus: StatusCreated, RequestTime: stamp(s.now())}))
}

// customer finds or creates the vault customer of a customerAccountId (the
// merchant's own id for the customer).
func (s *Server) customer(ctx context.Context, a engine.Actor, req *CreateRequest) (string, error) {
	c, err := s.e.GetCustomer(ctx, a, req.CustomerAccountID)
	if err == nil {
		return c.ID, nil
	}
	if !fault.IsNotFound(err) {
		return "", err
	}
	if strings.HasPrefix(req.CustomerAccountID, "cus_") {
		return "", badField("customerAccountId", "names no customer")
	}
	in := engine.CustomerInput{Reference: req.CustomerAccountID}
	var email, name string
	if c := req.Consumer; c != nil {
		email, name = c.EmailAddress, strings.TrimSpace(c.FirstName+" "+c.LastName)
	}
	if b := req.BillingAddress; email == "" && b != nil {
		email = b.EmailAddress
	}
	if b := req.BillingAddress; name == "" && b != nil {
		name = b.CustomerFullName
	}
	if strings.Contains(email, "@") && len(email) <= 320 {
		in.Email = email
	}
	if len(name) <= 200 {
		in.Name = name
	}
	nc, err := s.e.CreateCustomer(ctx, a, in)
	if err != nil {
		// Another request made it meanwhile.
		if c, err2 := s.e.GetCustomer(ctx, a, req.CustomerAccountID); err2 == nil {
			return c.ID, nil
		}
		return "", err
	}
	return nc.ID, nil
}

// transaction loads a transaction: its session, latest payment and operations.
func (s *Server) transaction(ctx context.Context, a engine.Actor, txID string) (*checkout.Session, *payment.Payment, []*payment.Operation, error) {
	sid := SessionID(strings.ToLower(txID))
	if sid == "" {
		return nil, nil, nil, errNotFound
	}
	sess, err := s.e.GetCheckoutSession(ctx, a, sid)
	if err != nil {
		return nil, nil, nil, err
	}
	if sess.PaymentID == "" {
		return sess, nil, nil, nil
	}
	p, ops, err := s.e.GetPayment(ctx, a, sess.PaymentID)
	return sess, p, ops, err
}

// status is GET /payment/status/{transactionId}.
func (s *Server) status(w http.ResponseWriter, r *http.Request, a engine.Actor) {
	sess, p, ops, err := s.transaction(r.Context(), a, r.PathValue("transactionId"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeRaw(w, http.StatusOK, marshal(statusView(sess, p, ops, s.now(), s.settle)))
}

// Modification kinds, as in the paths.
const (
	opCapture        = "capture"
	opRefund         = "refund"
	opCancelOrRefund = "cancelOrRefund"
)

// modify serves capture, refund and cancelOrRefund. The modificationId is
// the engine idempotency key (prefixed): a repeat answers the first
// request's result, a concurrent twin waits its turn, and the key stays on
// the operation, so even after idempotency records are reaped a repeat
// finds its modification instead of moving money again.
func (s *Server) modify(kind string) func(http.ResponseWriter, *http.Request, engine.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a engine.Actor) {
		ctx := r.Context()
		b, err := s.body(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		req, err := ParseModification(b)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := checkMerchantKey(a, req.MerchantKey); err != nil {
			s.fail(w, r, err)
			return
		}
		sess, p, ops, err := s.transaction(ctx, a, req.TransactionID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if p == nil {
			s.fail(w, r, errNotModifiable)
			return
		}
		var amount *int64
		amountLit := ""
		if req.ModifiedAmount != nil && kind != opCancelOrRefund {
			v, cur, _ := ParseMoney("modifiedAmount", req.ModifiedAmount)
			if cur.Code != sess.Currency.Code {
				s.fail(w, r, errCurrency)
				return
			}
			amount, amountLit = &v, req.ModifiedAmount.Amount.String()
		}
		key := modificationKey(req.ModificationID)
		for _, op := range ops {
			if op.IdempotencyKey == key {
				if !sameModification(kind, amount, op) {
					s.fail(w, r, errModificationReuse)
					return
				}
				status, body := s.answerFromState(sess, p, op, req.ModificationID, nil)
				writeRaw(w, status, body)
				return
			}
		}
		sum := sha256.Sum256([]byte(kind + "|" + strings.ToLower(req.TransactionID) + "|" + amountLit))
		idem := &engine.Idempotency{Key: key, Fingerprint: "smartpay:" + hex.EncodeToString(sum[:16]),
			Render: func(res engine.Result, err error) (int, []byte) {
				rp := res.Payment
				if rp == nil {
					rp = p
				}
				return s.answerFromState(sess, rp, res.Operation, req.ModificationID, err)
			}}
		var replay *engine.Replay
		var op *payment.Operation
		reason := req.Description
		if req.ModifiedAmount != nil && req.ModifiedAmount.Description != "" {
			reason = req.ModifiedAmount.Description
		}
		md := map[string]string{"smartpay_modification_id": req.ModificationID, "smartpay_transaction_id": TransactionID(sess.ID)}
		switch {
		case kind == opCapture:
			p, replay, err = s.e.Capture(ctx, a, p.ID, amount, idem)
		case kind == opCancelOrRefund && p.Status == payment.Authorized:
			p, replay, err = s.e.Void(ctx, a, p.ID, idem)
		default: // refund, or cancelOrRefund of captured money (all that is left)
			op, p, replay, err = s.e.Refund(ctx, a, p.ID, engine.RefundInput{Amount: amount, Reason: reason, Metadata: md}, idem)
		}
		if replay != nil {
			writeRaw(w, replay.Status, replay.Body)
			return
		}
		if p == nil || (err != nil && op == nil) {
			s.fail(w, r, err)
			return
		}
		status, body := s.answerFromState(sess, p, op, req.ModificationID, err)
		writeRaw(w, status, body)
	}
}

// sameModification reports whether a request repeats the modification op
// made under its modificationId (same kind, same amount when one is named).
func sameModification(kind string, amount *int64, op *payment.Operation) bool {
	switch {
	case kind == opCapture && op.Kind != payment.OpCapture,
		kind == opRefund && op.Kind != payment.OpRefund,
		kind == opCancelOrRefund && op.Kind != payment.OpVoid && op.Kind != payment.OpRefund:
		return false
	}
	return amount == nil || *amount == op.Amount
}

// answerFromState is a modification's answer from the payment and, when
// known, its operation: the same for the first request and every repeat.
// A declined or failed modification is a DECLINED error.
func (s *Server) answerFromState(sess *checkout.Session, p *payment.Payment, op *payment.Operation, modID string, err error) (int, []byte) {
	if err != nil && (op == nil || fault.KindOf(err) != fault.Declined) {
		return s.errorJSON(err)
	}
	typ, st := "", ""
	switch {
	case op != nil:
		typ, st = modificationTypes[op.Kind], modificationStatuses[op.Status]
		if op.Status == payment.OpFailed {
			return s.errorJSON(fault.New(fault.Declined, op.FailureCode, "%s", op.FailureMessage))
		}
	case p.Status == payment.Voided || p.InFlight == string(payment.OpVoid):
		typ, st = "CANCEL", "SUCCEEDED"
		if p.InFlight != "" {
			st = "PENDING"
		}
	default:
		typ, st = "CAPTURE", "SUCCEEDED"
		if p.InFlight != "" {
			st = "PENDING"
		}
	}
	v := modificationAnswerJSON{TransactionID: TransactionID(sess.ID), ModificationID: modID, ModificationType: typ, ModificationStatus: st,
		PaymentStatus: statusOf(sess, p, nil, s.now(), 0), ReconciliationReferenceID: p.ID, TransactionOverview: overview(sess, p),
		RequestTime: stamp(s.now())}
	return http.StatusOK, marshal(v)
}

func originOf(raw string) string {
	if raw == "" || raw == "null" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// locale picks the hosted page's language from Accept-Language (en-US, ar-KW, …).
func locale(h string) string {
	tag, _, _ := strings.Cut(h, ",")
	lang, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
	if strings.EqualFold(lang, "ar") {
		return "ar"
	}
	return "en"
}
