package engine

import (
	"context"
	"github.com/paygate/paygate/internal/audit"
	"math/big"
	"strings"
	"time"
	"unicode"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/payout"
	"github.com/paygate/paygate/internal/vault"
	"github.com/paygate/paygate/internal/webhook"
)

// BankInput is a bank account for a payout.
type BankInput struct {
	Holder        string
	IBAN          string
	AccountNumber string
	RoutingNumber string
	Country       string
}

// PayoutInput asks to pay money out of the merchant's available balance to
// exactly one of: a card, a single-use card token (hosted fields, or a card
// typed into the dashboard) with its key, a saved card, a bank account.
type PayoutInput struct {
	Amount          int64
	Currency        string
	Card            *CardInput
	Token, TokenKey string
	PaymentMethodID string
	Bank            *BankInput
	Description     string
	Reference       string
	Metadata        map[string]string
}

func (b *BankInput) validate() error {
	const p = "destination.bank_account."
	if err := validText(p+"holder", b.Holder, 100); err != nil {
		return err
	}
	if b.Holder == "" {
		return fault.InvalidParam(p+"holder", "parameter_missing", "the account holder's name is required")
	}
	switch {
	case b.IBAN != "" && b.AccountNumber != "":
		return fault.InvalidParam(p+"iban", "parameter_invalid", "give an iban or an account_number, not both")
	case b.IBAN != "":
		b.IBAN = strings.ToUpper(strings.ReplaceAll(b.IBAN, " ", ""))
		if !validIBAN(b.IBAN) {
			return fault.InvalidParam(p+"iban", "iban_invalid", "the IBAN is not valid (length, country or check digits)")
		}
		b.Country = b.IBAN[:2]
	case b.AccountNumber != "":
		if !allDigitsN(b.AccountNumber, 4, 17) {
			return fault.InvalidParam(p+"account_number", "parameter_invalid", "account_number must be 4 to 17 digits")
		}
		if !allDigitsN(b.RoutingNumber, 9, 9) {
			return fault.InvalidParam(p+"routing_number", "parameter_invalid", "routing_number must be 9 digits")
		}
	default:
		return fault.InvalidParam(p+"iban", "parameter_missing", "an iban or an account_number is required")
	}
	return nil
}

func allDigitsN(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// validIBAN checks an IBAN's shape and its ISO 13616 mod-97 check digits.
func validIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 || !unicode.IsUpper(rune(s[0])) || !unicode.IsUpper(rune(s[1])) {
		return false
	}
	var digits strings.Builder
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			digits.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			digits.WriteString(itoa(int(c-'A') + 10))
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// CreatePayout reserves the amount from the merchant's available balance
// (409 insufficient_balance when short, nothing posted), sends it through the
// processor, and records the outcome: paid, or failed with the money back
// in the balance. Payouts of one merchant are serialized, so concurrent
// payouts never exceed the balance.
func (e *Engine) CreatePayout(ctx context.Context, a Actor, in PayoutInput, idem *Idempotency) (*payout.Payout, *Replay, error) {
	now := e.now()
	if err := validAmount("amount", in.Amount); err != nil {
		return nil, nil, err
	}
	cur, err := money.Lookup(in.Currency)
	if err != nil {
		return nil, nil, fault.InvalidParam("currency", "currency_invalid", "%q is not a supported ISO 4217 currency code", in.Currency)
	}
	for _, f := range []struct{ param, v string }{{"description", in.Description}, {"reference", in.Reference}} {
		if err := validText(f.param, f.v, 255); err != nil {
			return nil, nil, err
		}
	}
	if err := validMetadata(in.Metadata); err != nil {
		return nil, nil, err
	}
	conn, err := e.connectorFor(a.Mode)
	if err != nil {
		return nil, nil, err
	}
	if !a.Principal.CanUse(conn.Name()) {
		return nil, nil, fault.Missing("permission_denied", string(auth.UsePermission(conn.Name())))
	}
	po := &payout.Payout{ID: id.New("po"), MerchantID: a.MerchantID, Mode: a.Mode, Status: payout.Pending, Amount: in.Amount, Currency: cur,
		Description: in.Description, Reference: in.Reference, Metadata: in.Metadata, Connector: conn.Name(), CreatedAt: now, UpdatedAt: now}
	if idem != nil {
		po.IdempotencyKey = idem.Key
	}
	req := connector.PayoutRequest{PayoutID: po.ID, Amount: money.Amount{Minor: in.Amount, Currency: cur}, Live: a.Mode == payment.Live}
	src, err := e.payoutDestination(ctx, a, in, po, &req, now)
	if err != nil {
		return nil, nil, err
	}

	replay, err := e.startTx(ctx, a, idem, po.ID, func(tx Tx) error {
		// A token pays out once: used up with the reservation, after the
		// key's check (a retry of the same payout replays instead).
		if err := src.consume(ctx, tx, now); err != nil {
			return err
		}
		available, err := tx.LockBalance(ctx, a.MerchantID, a.Mode, cur.Code)
		if err != nil {
			return err
		}
		if available < po.Amount {
			return fault.New(fault.Conflict, "insufficient_balance", "the available balance is %s; a payout of %s exceeds it",
				money.Format(available, cur), money.Format(po.Amount, cur))
		}
		if err := tx.InsertPayout(ctx, po); err != nil {
			return err
		}
		if err := e.post(ctx, tx, ledger.PayoutReserve(a.MerchantID, a.Mode, po.ID, cur.Code, po.Amount)); err != nil {
			return err
		}
		// Money leaving the merchant: who sent it is kept with the act.
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.PayoutCreated, "payout", po.ID,
			map[string]string{"amount": money.Format(po.Amount, cur), "currency": cur.Code}))
	})
	if replay != nil || err != nil {
		return nil, replay, err
	}
	if src.token != nil {
		// The token is used up; a credit carries no security code, so the
		// one hosted fields left in memory for it is dropped.
		e.cvcs.take(src.token.ID)
	}
	pctx, cancel := e.processorContext(ctx)
	defer cancel()
	res, callErr := conn.Payout(pctx, req)
	if connector.OutcomeUnknown(callErr) {
		// The money stays reserved; the payout stays pending for an operator.
		e.log.Warn("payout outcome unknown", "payout", po.ID, "err", callErr)
		return po, nil, nil
	}
	out, err := e.finishPayout(pctx, a, po.ID, res, callErr, idem)
	return out, nil, err
}

// finishPayout records a processor's answer to a payout: paid, or failed
// with its money back in the balance. A payout already finished is left as
// it is.
func (e *Engine) finishPayout(ctx context.Context, a Actor, poID string, res connector.Result, callErr error, idem *Idempotency) (*payout.Payout, error) {
	var out *payout.Payout
	err := e.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.GetPayoutForUpdate(ctx, a.MerchantID, a.Mode, poID)
		if err != nil || cur.Status != payout.Pending {
			out = cur
			return err
		}
		cur.UpdatedAt = e.now()
		typ := webhook.PayoutPaid
		if callErr == nil && res.Outcome == connector.Approved {
			cur.Status, cur.ProcessorRef = payout.Paid, res.ProcessorRef
			err = e.post(ctx, tx, ledger.PayoutPaid(a.MerchantID, a.Mode, poID, cur.Currency.Code, cur.Amount))
		} else {
			cur.Status, cur.FailureCode, cur.FailureMessage = payout.Failed, res.DeclineCode, res.Message
			if callErr != nil {
				cur.FailureCode, cur.FailureMessage = "processor_error", callErr.Error()
			}
			if cur.FailureCode == "" {
				cur.FailureCode, cur.FailureMessage = "payout_declined", "the processor declined the payout"
			}
			typ = webhook.PayoutFailed
			err = e.post(ctx, tx, ledger.PayoutReturn(a.MerchantID, a.Mode, poID, cur.Currency.Code, cur.Amount))
		}
		if err != nil {
			return err
		}
		if err := tx.UpdatePayout(ctx, cur); err != nil {
			return err
		}
		if err := e.emitObject(ctx, tx, a.MerchantID, a.Mode, typ, cur.ID, cur); err != nil {
			return err
		}
		out = cur
		return e.completeIdempotent(ctx, tx, a, idem, Result{Payout: cur}, nil)
	})
	return out, err
}

// recoverPayouts resolves payouts whose processor answer was lost, by
// asking the processor about them: paid, refused, or never received (then
// failed, and the money returns to the balance).
func (e *Engine) recoverPayouts(ctx context.Context, olderThan time.Duration) (int, error) {
	pos, err := e.store.PendingPayouts(ctx, e.now().Add(-olderThan), 200)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, po := range pos {
		conn := e.connectors[po.Mode]
		if conn == nil {
			continue
		}
		pctx, cancel := e.processorContext(ctx)
		res, callErr := conn.Status(pctx, connector.StatusRequest{OperationID: po.ID, Live: po.Mode == payment.Live})
		if callErr != nil || res.Outcome == connector.Pending {
			cancel()
			continue // still unknown: ask again on the next pass
		}
		if res.Outcome == connector.NotFound {
			res = connector.Result{Outcome: connector.Declined, DeclineCode: "processor_no_record", Message: "the processor has no record of this payout"}
		}
		_, err := e.finishPayout(pctx, Actor{MerchantID: po.MerchantID, Mode: po.Mode}, po.ID, res, nil, nil)
		cancel()
		if err != nil {
			e.log.Warn("payout recovery failed", "payout", po.ID, "err", err)
			continue
		}
		n++
	}
	return n, nil
}

// payoutDestination resolves where the money goes into the connector
// request (clear data, memory only) and what the payout keeps of it. For a
// token it returns the source whose token the payout's transaction uses up
// (an empty source otherwise: nothing to use up).
func (e *Engine) payoutDestination(ctx context.Context, a Actor, in PayoutInput, po *payout.Payout, req *connector.PayoutRequest, now time.Time) (*cardSource, error) {
	n := 0
	for _, set := range []bool{in.Card != nil, in.Token != "", in.PaymentMethodID != "", in.Bank != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, fault.InvalidParam("destination", "parameter_invalid", "destination takes exactly one of card, token, saved_card or bank_account")
	}
	src := &cardSource{}
	if in.Token != "" {
		m, number, err := e.payoutToken(ctx, a, in.Token, in.TokenKey, now)
		if err != nil {
			return nil, err
		}
		src.token, src.number = m, number
		po.Destination = payout.Destination{Type: "card", Card: m.Card, Holder: m.Card.Holder}
		req.Card = connector.Card{Number: number, ExpMonth: m.Card.ExpMonth, ExpYear: m.Card.ExpYear, Holder: m.Card.Holder, Brand: m.Card.Brand}
		return src, nil
	}
	return src, e.directDestination(ctx, a, in, po, req, now)
}

// payoutToken opens a single-use token for a payout. A used token opens to
// no number: the payout's transaction then answers token_used, unless the
// request is a retry of the payout that used it, which replays.
func (e *Engine) payoutToken(ctx context.Context, a Actor, token, key string, now time.Time) (*vault.PaymentMethod, string, error) {
	const param = "destination.token"
	if !strings.HasPrefix(token, "tok_") {
		return nil, "", fault.InvalidParam(param, "token_invalid", "destination.token must be a token (tok_…) from hosted fields")
	}
	m, err := e.store.GetPaymentMethod(ctx, a.MerchantID, a.Mode, token)
	if err != nil {
		return nil, "", err
	}
	if m.Usage != vault.SingleUse {
		return nil, "", fault.InvalidParam(param, "token_invalid", "%s is not a single-use token", token)
	}
	if !tokenKeyMatches(m.KeyHash, key) {
		return nil, "", fault.InvalidParam("destination.key", "token_key_invalid", "destination.key does not belong to this token")
	}
	if m.Status != vault.MethodActive {
		return m, "", nil
	}
	if m.ExpiresAt != nil && !now.Before(*m.ExpiresAt) {
		return nil, "", fault.New(fault.Conflict, "token_expired", "token %s has expired; collect the card again", m.ID)
	}
	if err := card.ValidateExpiry(m.Card.ExpMonth, m.Card.ExpYear, now); err != nil {
		return nil, "", fault.InvalidParam(param, "expired_card", "the card behind the token has expired")
	}
	number, err := e.openCard(ctx, m)
	if err != nil {
		return nil, "", err
	}
	return m, number, nil
}

// directDestination resolves a card, saved card or bank account.
func (e *Engine) directDestination(ctx context.Context, a Actor, in PayoutInput, po *payout.Payout, req *connector.PayoutRequest, now time.Time) error {
	switch {
	case in.Bank != nil:
		b := *in.Bank
		if err := b.validate(); err != nil {
			return err
		}
		last := b.IBAN + b.AccountNumber
		po.Destination = payout.Destination{Type: "bank_account", BankLast4: last[len(last)-4:], BankCountry: b.Country, Holder: b.Holder}
		req.Bank = &connector.BankAccount{Holder: b.Holder, IBAN: b.IBAN, AccountNumber: b.AccountNumber, RoutingNumber: b.RoutingNumber, Country: b.Country}
	case in.PaymentMethodID != "":
		m, err := e.store.GetPaymentMethod(ctx, a.MerchantID, a.Mode, in.PaymentMethodID)
		if err != nil {
			return err
		}
		if m.Usage != vault.Reusable || m.Status != vault.MethodActive {
			return fault.New(fault.Conflict, "payment_method_unusable", "payment method %s cannot receive a payout", m.ID)
		}
		number, err := e.openCard(ctx, m)
		if err != nil {
			return err
		}
		po.Destination = payout.Destination{Type: "card", Card: m.Card, PaymentMethodID: m.ID, Holder: m.Card.Holder}
		req.Card = connector.Card{Number: number, ExpMonth: m.Card.ExpMonth, ExpYear: m.Card.ExpYear, Holder: m.Card.Holder, Brand: m.Card.Brand}
	default:
		c := *in.Card
		if err := e.decryptCard(ctx, a, &c, now); err != nil {
			return cardAt(err, "destination.card")
		}
		withoutCVC(&c)
		number, brand, err := validCard(&c, now)
		if err != nil {
			return cardAt(err, "destination.card")
		}
		po.Destination = payout.Destination{Type: "card", Holder: c.Holder, Card: payment.Card{Brand: string(brand), First6: card.First6(number),
			Last4: card.Last4(number), ExpMonth: c.ExpMonth, ExpYear: normalizeYear(c.ExpYear), Holder: c.Holder, Fingerprint: e.fingerprint(ctx, number)}}
		req.Card = connector.Card{Number: number, ExpMonth: c.ExpMonth, ExpYear: normalizeYear(c.ExpYear), Holder: c.Holder, Brand: string(brand)}
	}
	return nil
}

// GetPayout returns one payout.
func (e *Engine) GetPayout(ctx context.Context, a Actor, poID string) (*payout.Payout, error) {
	return e.store.GetPayout(ctx, a.MerchantID, a.Mode, poID)
}

// ListPayouts lists payouts, newest first.
func (e *Engine) ListPayouts(ctx context.Context, a Actor, startingAfter string, limit int) ([]*payout.Payout, error) {
	return e.store.ListPayouts(ctx, a.MerchantID, a.Mode, startingAfter, limit)
}

// withoutCVC fills a payout card's missing security code with a placeholder
// of the right length: a payout (credit) carries none, and the card checks
// want one; only its format is checked.
func withoutCVC(c *CardInput) {
	if c.CVC == "" {
		c.CVC = "000"
		if card.DetectBrand(card.Normalize(c.Number)) == card.Amex {
			c.CVC = "0000"
		}
	}
}
