package paymentz

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// The asynchronous flow (the vendor's asyncStep1): a payment request
// without card data opens a checkout session on paygate's hosted page and
// answers transactionStatus P, code 10004, with redirect{url, method GET}.
// The payer pays there; the callback goes to notificationUrl in the
// vendor's format and the payer comes back to merchantRedirectUrl by the
// door's signed POST.
//
// The paymentId of such a payment is the checkout session's number (the
// same 128-bit decimal scheme as paymentId, over the "cs_" id), known before
// the payer pays and kept by every answer, callback and return after; the
// native payment carries the session in metadata.checkout_session.
const (
	// metaAsync marks a session (and the payments made for it) as the door's.
	metaAsync = "paymentz_async"
	// metaToken keeps the session's checkout token sealed with a key only
	// this deployment derives, so a retried request can show the same
	// redirect URL again (the engine stores the token only as a hash).
	metaToken = "paymentz_checkout"
	// doorRefs names the door's merchantTransactionId reservations.
	doorRefs = Door
)

// sessionPaymentID is the door's paymentId of a checkout session id.
func sessionPaymentID(sessionID string) string {
	rest, ok := strings.CutPrefix(sessionID, "cs_")
	if !ok {
		return ""
	}
	return PaymentID("pay_" + rest)
}

// sessionOfPaymentID is the checkout session id a paymentId may name.
func sessionOfPaymentID(paymentID string) string {
	rest, ok := strings.CutPrefix(NativeID(paymentID), "pay_")
	if !ok {
		return ""
	}
	return "cs_" + rest
}

// doorPaymentID is the paymentId the door shows for a payment: the
// session's number for a payment made on the hosted page through the door.
func doorPaymentID(p *payment.Payment) string {
	if sid := p.Metadata["checkout_session"]; sid != "" && p.Metadata[metaAsync] != "" {
		return sessionPaymentID(sid)
	}
	return PaymentID(p.ID)
}

// hasCard reports whether a request carries any card data.
func hasCard(q Request) bool {
	for k, v := range q {
		if strings.HasPrefix(k, "card.") && v != "" {
			return true
		}
	}
	return false
}

// asyncPayment opens a checkout session for a payment request without card
// data. The merchantTransactionId is reserved for the session, so a retry
// answers the same session (and redirect) and never opens a second one.
func (s *Server) asyncPayment(w http.ResponseWriter, r *http.Request, c *call, in engine.CreatePaymentInput) {
	ctx, a, q := r.Context(), c.actor(r), c.req
	if q.Get("recurringType") != "" || strings.EqualFold(q.Get("createRegistration"), "true") {
		s.fail(w, r, badParam("recurringType and createRegistration need card data (card.number, card.expiryMonth, card.expiryYear)"))
		return
	}
	back := q.Get("merchantRedirectUrl")
	if back == "" {
		s.fail(w, r, badParam("merchantRedirectUrl is required without card data: the payer returns there from the hosted page"))
		return
	}
	if _, found, err := s.existing(r, a, in.Reference); err != nil || found {
		if err == nil {
			err = duplicateErr // a card payment already has this merchantTransactionId
		}
		s.fail(w, r, err)
		return
	}
	if sess, err := s.reservedSession(ctx, a, in.Reference); err == nil {
		s.answerRetry(w, r, sess, in)
		return
	} else if !fault.IsNotFound(err) {
		s.fail(w, r, err)
		return
	}
	success := back
	if s.base != "" {
		success = s.base + Prefix + "return/" + c.member // the hosted page adds ?session_id=
	}
	created, err := s.e.CreateCheckoutSession(ctx, a, engine.CheckoutInput{Amount: in.Amount, Currency: in.Currency, CaptureMethod: in.CaptureMethod,
		Description: in.Description, Reference: in.Reference, SuccessURL: success, NotificationURL: q.Get("notificationUrl"),
		Door: Door + ":" + c.member, Metadata: map[string]string{metaAsync: "1", metaRedirect: back}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sealed, err := s.sealToken(ctx, created.Session.ID, created.Token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ch := engine.CheckoutChange{Metadata: map[string]string{metaToken: sealed}}
	if s.base != "" {
		cancel := success + "?session_id=" + created.Session.ID
		ch.CancelURL = &cancel
	}
	sess, err := s.e.ChangeCheckoutSession(ctx, a, created.Session.ID, ch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.e.ReserveDoorReference(ctx, a, doorRefs, in.Reference, sess.ID); err != nil {
		// A concurrent twin won the merchantTransactionId: close this
		// session (its URL was never shown) and answer the twin's.
		_, _ = s.e.ChangeCheckoutSession(ctx, a, sess.ID, engine.CheckoutChange{Close: true})
		if fault.KindOf(err) == fault.Conflict {
			if twin, terr := s.reservedSession(ctx, a, in.Reference); terr == nil {
				s.answerRetry(w, r, twin, in)
				return
			}
			err = duplicateErr
		}
		s.fail(w, r, err)
		return
	}
	encode(w, r, http.StatusOK, s.sessionView(ctx, a, sess, created.URL))
}

// answerRetry answers a repeated asynchronous request with its session, or
// refuses one that differs.
func (s *Server) answerRetry(w http.ResponseWriter, r *http.Request, sess *checkout.Session, in engine.CreatePaymentInput) {
	if sess.Amount != in.Amount || sess.Currency.Code != strings.ToUpper(in.Currency) || sess.CaptureMethod != in.CaptureMethod {
		s.fail(w, r, duplicateErr)
		return
	}
	encode(w, r, http.StatusOK, s.sessionView(r.Context(), engine.Actor{MerchantID: sess.MerchantID, Mode: sess.Mode}, sess, ""))
}

// reservedSession is the door's session a merchantTransactionId names.
func (s *Server) reservedSession(ctx context.Context, a engine.Actor, mtid string) (*checkout.Session, error) {
	ref, err := s.e.FindDoorReference(ctx, a, doorRefs, mtid)
	if err != nil {
		return nil, err
	}
	return s.e.GetCheckoutSession(ctx, a, ref.ObjectID)
}

// sessionView answers for a session: its payment's answer once the payer
// has tried to pay, else P / 10004 with the redirect to the hosted page
// while it is open (url is the page, or "" to unseal it), or N once expired.
func (s *Server) sessionView(ctx context.Context, a engine.Actor, sess *checkout.Session, url string) *response {
	if sess.PaymentID != "" {
		if p, _, err := s.e.GetPayment(ctx, a, sess.PaymentID); err == nil && (p.Status != payment.Failed || sess.Status != checkout.Open) {
			return paymentView(p, s.now())
		}
	}
	v := &response{PaymentID: sessionPaymentID(sess.ID), PaymentType: "DB", PaymentMode: "CC", Amount: formatAmount(sess.Amount, sess.Currency),
		Currency: sess.Currency.Code, Descriptor: sess.Description, MerchantTransactionID: sess.Reference,
		Result: result{codePending, "Transaction pending"}, TransactionStatus: "P", Status: "begun", Timestamp: stamp(s.now())}
	if sess.CaptureMethod == payment.CaptureManual {
		v.PaymentType = "PA"
	}
	if sess.Status != checkout.Open || !s.now().Before(sess.ExpiresAt) {
		v.Result, v.TransactionStatus, v.Status = result{codeDeclined, "Transaction declined: checkout_session_expired"}, "N", "failed"
		return v
	}
	if url == "" {
		token, err := s.unsealToken(ctx, sess.ID, sess.Metadata[metaToken])
		if err != nil {
			return v
		}
		url = s.e.CheckoutURL(token)
	}
	v.Redirect = &redirect{URL: url, Method: "GET", Target: "_self", Parameters: []param{}}
	return v
}

// errUnpaid is an operation on a hosted-page payment the payer has not paid.
var errUnpaid = fault.New(fault.Conflict, "not_paid_yet", "the payer has not paid on the hosted page yet")

// unpaidSession carries the session an inquiry found without a payment.
type unpaidSession struct{ sess *checkout.Session }

func (u *unpaidSession) Error() string { return errUnpaid.Error() }
func (u *unpaidSession) Unwrap() error { return errUnpaid }

// findSession resolves one of the door's sessions: its payment, or an
// *unpaidSession while the payer has not paid (or was declined and may try
// another card).
func (s *Server) findSession(ctx context.Context, a engine.Actor, sid string) (*payment.Payment, []*payment.Operation, error) {
	sess, err := s.e.GetCheckoutSession(ctx, a, sid)
	if err != nil || sess.Metadata[metaAsync] == "" {
		return nil, nil, fault.NotFoundf("payment", "")
	}
	if sess.PaymentID == "" {
		return nil, nil, &unpaidSession{sess}
	}
	p, ops, err := s.e.GetPayment(ctx, a, sess.PaymentID)
	if err == nil && p.Status == payment.Failed && sess.Status == checkout.Open {
		return nil, nil, &unpaidSession{sess} // declined: the page still takes another card
	}
	return p, ops, err
}

// tokenSealLabel names the key that seals checkout tokens in metadata.
const tokenSealLabel = "paymentz checkout token"

func (s *Server) tokenAEAD(ctx context.Context) (cipher.AEAD, error) {
	key, err := s.e.DerivedKey(ctx, tokenSealLabel)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// sealToken encrypts a checkout token bound to its session id.
func (s *Server) sealToken(ctx context.Context, sessionID, token string) (string, error) {
	aead, err := s.tokenAEAD(ctx)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(token), []byte(sessionID))), nil
}

func (s *Server) unsealToken(ctx context.Context, sessionID, sealed string) (string, error) {
	aead, err := s.tokenAEAD(ctx)
	if err != nil {
		return "", err
	}
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return "", errors.New("sealed checkout token unreadable")
	}
	token, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(sessionID))
	return string(token), err
}
