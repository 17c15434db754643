package paymentz

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// idemPrefix starts the engine idempotency key of every request this door
// makes: "paymentz:<merchantTransactionId>" for payments,
// "paymentz:<op>:<payment id>" for backoffice operations.
const idemPrefix = "paymentz:"

// createPayment is POST /payments: DB (sale) or PA (preauthorization).
// The checksum is verified on the raw strings before anything else, so a
// wrong one changes nothing and reveals nothing.
func (s *Server) createPayment(w http.ResponseWriter, r *http.Request, c *call) {
	q := c.req
	mtid, amountText := q.Get("merchantTransactionId"), q.Get("amount")
	if !checksumMatches(q.Get("authentication.checksum"), PaymentChecksum(c.member, c.key, mtid, amountText)) {
		s.fail(w, r, errBadChecksum)
		return
	}
	if !hasCard(q) {
		in, err := paymentInputNoCard(q)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.asyncPayment(w, r, c, in)
		return
	}
	in, err := paymentInput(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The callback goes to notificationUrl in this door's format, signed
	// with this memberId's secure key.
	in.NotificationURL, in.Door = q.Get("notificationUrl"), Door+":"+c.member
	s.returnThroughDoor(&in, c.member)
	a := c.actor(r)
	if err := s.recurringInitial(r, a, q, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	// The merchantTransactionId is the request's identity: a retry is
	// answered, never charged again, even after the engine's idempotency
	// record (kept at least 24 h) is gone.
	if _, err := s.e.FindDoorReference(r.Context(), a, doorRefs, mtid); !fault.IsNotFound(err) {
		if err == nil {
			err = duplicateErr // a hosted-page payment already has this merchantTransactionId
		}
		s.fail(w, r, err)
		return
	}
	if p, found, err := s.existing(r, a, mtid); err != nil || found {
		if err == nil && (p.Amount != in.Amount || p.Currency.Code != strings.ToUpper(in.Currency) || paymentType(p) != q.Get("paymentType")) {
			err = duplicateErr
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encode(w, r, http.StatusOK, paymentView(p, s.now()))
		return
	}
	render := s.storedAnswer(func(res engine.Result) (int, *response) { return http.StatusOK, paymentView(res.Payment, s.now()) })
	p, replay, err := s.e.CreatePayment(r.Context(), a, in, &engine.Idempotency{Key: idemPrefix + mtid, Fingerprint: fingerprint(q), Render: render})
	s.answer(w, r, replay, err, func() (int, *response) { return http.StatusOK, paymentView(p, s.now()) })
}

// existing finds a payment this door created for a merchantTransactionId.
func (s *Server) existing(r *http.Request, a engine.Actor, mtid string) (*payment.Payment, bool, error) {
	ps, _, err := s.e.ListPayments(r.Context(), a, engine.PaymentFilter{Reference: mtid, Limit: 100})
	if err != nil {
		return nil, false, err
	}
	for _, p := range ps {
		if p.IdempotencyKey == idemPrefix+mtid && p.Status != payment.Processing {
			return p, true, nil
		}
	}
	return nil, false, nil
}

// paymentInput translates the vendor's parameters to the engine's.
func paymentInput(q Request) (engine.CreatePaymentInput, error) {
	in, err := paymentInputNoCard(q)
	if err != nil {
		return in, err
	}
	month, err1 := strconv.Atoi(q.Get("card.expiryMonth"))
	year, err2 := strconv.Atoi(q.Get("card.expiryYear"))
	if q.Get("card.number") == "" || err1 != nil || err2 != nil {
		return in, badParam("card.number, card.expiryMonth and card.expiryYear are required")
	}
	in.Card = &engine.CardInput{Number: q.Get("card.number"), ExpMonth: month, ExpYear: year, CVC: q.Get("card.cvv"), Holder: q.Get("card.holder")}
	return in, nil
}

// paymentInputNoCard reads everything of a payment but its card.
func paymentInputNoCard(q Request) (engine.CreatePaymentInput, error) {
	var in engine.CreatePaymentInput
	switch q.Get("paymentType") {
	case "DB":
		in.CaptureMethod = payment.CaptureAutomatic
	case "PA":
		in.CaptureMethod = payment.CaptureManual
	case "":
		return in, badParam("paymentType is required (DB or PA)")
	default:
		return in, badParam("paymentType must be DB or PA on /payments")
	}
	if m := q.Get("paymentMode"); m != "" && m != "CC" && m != "DC" {
		return in, badParam("paymentMode is not supported; only card payments (CC, DC)")
	}
	mtid := q.Get("merchantTransactionId")
	if mtid == "" || len(mtid) > 255 {
		return in, badParam("merchantTransactionId is required (at most 255 characters)")
	}
	cur, err := money.Lookup(q.Get("currency"))
	if err != nil {
		return in, badParam("currency must be an ISO 4217 alphabetic code")
	}
	if in.Amount, err = parseAmount("amount", q.Get("amount"), cur); err != nil {
		return in, err
	}
	in.Currency, in.Reference, in.Description = cur.Code, mtid, q.Get("orderDescriptor")
	in.ReturnURL = q.Get("merchantRedirectUrl")
	return in, nil
}

// fingerprint identifies a request for the engine's idempotency check
// without card data beyond first six and last four digits.
func fingerprint(q Request) string {
	n := q.Get("card.number")
	masked := ""
	if len(n) >= 10 {
		masked = n[:6] + "…" + n[len(n)-4:]
	}
	h := sha256.Sum256([]byte(strings.Join([]string{q.Get("paymentType"), q.Get("amount"), strings.ToUpper(q.Get("currency")), masked,
		q.Get("card.expiryMonth"), q.Get("card.expiryYear"), q.Get("merchantRedirectUrl"), q.Get("notificationUrl")}, "\x00")))
	return hex.EncodeToString(h[:])
}

// storedAnswer renders a use case's result, or its error, as the JSON the
// engine stores with the idempotency key; replays re-encode it.
func (s *Server) storedAnswer(ok func(engine.Result) (int, *response)) func(engine.Result, error) (int, []byte) {
	return func(res engine.Result, err error) (int, []byte) {
		var status int
		var body *response
		if err != nil {
			var rs result
			status, rs = resultFor(err)
			body = &response{Result: rs, Timestamp: stamp(s.now())}
		} else {
			status, body = ok(res)
		}
		b, _ := json.Marshal(body)
		return status, b
	}
}

// answer writes a replay, an error, or the fresh result.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, replay *engine.Replay, err error, fresh func() (int, *response)) {
	switch {
	case replay != nil:
		var body response
		if jerr := json.Unmarshal(replay.Body, &body); jerr != nil {
			s.fail(w, r, jerr)
			return
		}
		encode(w, r, replay.Status, &body)
	case err != nil:
		s.fail(w, r, err)
	default:
		status, body := fresh()
		encode(w, r, status, body)
	}
}
