package paymentz

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payout"
)

// payoutID is a payout's numeric id: the same 128-bit decimal scheme as
// paymentId, over the payout's "po_" id.
func payoutID(nativeID string) string {
	rest, ok := strings.CutPrefix(nativeID, "po_")
	if !ok {
		return ""
	}
	return PaymentID("pay_" + rest)
}

// payoutView is the answer to /payout.
func (s *Server) payoutView(po *payout.Payout) *response {
	long, res := "payoutstarted", result{codePending, "Transaction pending"}
	switch po.Status {
	case payout.Paid:
		long, res = "payoutsuccessful", result{codeSucceeded, "Transaction succeeded"}
	case payout.Failed:
		long, res = "payoutfailed", result{codeDeclined, "Transaction declined: " + po.FailureCode}
	}
	v := &response{PaymentID: payoutID(po.ID), PaymentType: "CD", PaymentMode: "CC", Amount: formatAmount(po.Amount, po.Currency),
		Currency: po.Currency.Code, Descriptor: po.Description, MerchantTransactionID: po.Reference, Result: res,
		TransactionStatus: shortStatus(long), Status: long, Remark: po.FailureMessage, Timestamp: stamp(s.now())}
	if po.Destination.Card.Last4 != "" {
		c := po.Destination.Card
		v.Card = &cardView{Bin: c.First6, Last4Digits: c.Last4, Holder: c.Holder}
	}
	return v
}

// createPayout is POST /payout: a credit to a card (card.*) or a bank
// account (bankAccount.*) from the merchant's available balance, signed
// memberId|merchantTransactionId|amount|secureKey (the key last, §2.5).
// The merchantTransactionId makes a retry answer the first payout.
func (s *Server) createPayout(w http.ResponseWriter, r *http.Request, c *call) {
	q := c.req
	mtid, amountText := q.Get("merchantTransactionId"), q.Get("amount")
	if !checksumMatches(q.Get("authentication.checksum"), PayoutChecksum(c.member, mtid, amountText, c.key)) {
		s.fail(w, r, errBadChecksum)
		return
	}
	if mtid == "" || len(mtid) > 255 {
		s.fail(w, r, badParam("merchantTransactionId is required (at most 255 characters)"))
		return
	}
	cur, err := money.Lookup(q.Get("currency"))
	if err != nil {
		s.fail(w, r, badParam("currency must be an ISO 4217 alphabetic code"))
		return
	}
	in := engine.PayoutInput{Currency: cur.Code, Reference: mtid, Description: q.Get("orderDescriptor")}
	if in.Amount, err = parseAmount("amount", amountText, cur); err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case q.Get("card.number") != "":
		month, err1 := strconv.Atoi(q.Get("card.expiryMonth"))
		year, err2 := strconv.Atoi(q.Get("card.expiryYear"))
		if err1 != nil || err2 != nil {
			s.fail(w, r, badParam("card.expiryMonth and card.expiryYear are required"))
			return
		}
		in.Card = &engine.CardInput{Number: q.Get("card.number"), ExpMonth: month, ExpYear: year, Holder: q.Get("card.holder")}
	case q.Get("bankAccount.iban") != "" || q.Get("bankAccount.accountNumber") != "":
		holder := q.Get("bankAccount.holder")
		if holder == "" {
			holder = strings.TrimSpace(q.Get("customer.givenName") + " " + q.Get("customer.surname"))
		}
		in.Bank = &engine.BankInput{Holder: holder, IBAN: q.Get("bankAccount.iban"), AccountNumber: q.Get("bankAccount.accountNumber"),
			RoutingNumber: q.Get("bankAccount.routingNumber"), Country: q.Get("bankAccount.country")}
	default:
		s.fail(w, r, badParam("a payout needs card.number or bankAccount.iban / bankAccount.accountNumber"))
		return
	}
	fp := Checksum("payout", amountText, cur.Code, maskedNumber(q.Get("card.number")), q.Get("bankAccount.iban"), q.Get("bankAccount.accountNumber"))
	render := s.storedAnswer(func(res engine.Result) (int, *response) { return http.StatusOK, s.payoutView(res.Payout) })
	po, replay, err := s.e.CreatePayout(r.Context(), c.actor(r), in, &engine.Idempotency{Key: idemPrefix + "payout:" + mtid, Fingerprint: fp, Render: render})
	s.answer(w, r, replay, err, func() (int, *response) { return http.StatusOK, s.payoutView(po) })
}

func maskedNumber(n string) string {
	if len(n) < 10 {
		return ""
	}
	return n[:6] + "…" + n[len(n)-4:]
}
