package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/paygate/paygate/internal/card"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/vault"
)

// CardToken is a single-use token and the key the merchant's server must
// present with it (PayTrace Protect.js's hpf_token and enc_key). The key is
// shown once and stored only as a hash.
type CardToken struct {
	Method *vault.PaymentMethod
	Key    string
}

// CreateToken puts a card into the vault as a single-use token that expires
// within minutes. The card number is sealed; the CVC stays in this process's
// memory for the one payment. Hosted fields and the hosted page call it with
// a publishable key; the card never reaches the merchant's server.
func (e *Engine) CreateToken(ctx context.Context, a Actor, in CardInput) (*CardToken, error) {
	now := e.now()
	if err := e.decryptCard(ctx, a, &in, now); err != nil {
		return nil, cardAt(err, "card")
	}
	number, brand, err := validCard(&in, now)
	if err != nil {
		return nil, cardAt(err, "card")
	}
	expires := now.Add(e.cardTTL)
	m := &vault.PaymentMethod{ID: id.New("tok"), MerchantID: a.MerchantID, Mode: a.Mode, Usage: vault.SingleUse,
		Status: vault.MethodActive, ExpiresAt: &expires, CreatedAt: now, UpdatedAt: now,
		Card: payment.Card{Brand: string(brand), First6: card.First6(number), Last4: card.Last4(number),
			ExpMonth: in.ExpMonth, ExpYear: normalizeYear(in.ExpYear), Holder: in.Holder, Fingerprint: e.fingerprint(ctx, number)}}
	if err := e.sealCard(ctx, m, number); err != nil {
		return nil, err
	}
	key := "tk_" + id.Secret(24)
	sum := sha256.Sum256([]byte(key))
	m.KeyHash = hex.EncodeToString(sum[:])
	if err := e.store.Update(ctx, func(tx Tx) error { return tx.InsertPaymentMethod(ctx, m) }); err != nil {
		return nil, err
	}
	e.cvcs.put(m.ID, in.CVC, expires)
	return &CardToken{Method: m, Key: key}, nil
}

// CardTokenTTL is how long single-use tokens live.
func (e *Engine) CardTokenTTL() time.Duration { return e.cardTTL }

// CreatePayoutToken puts a card typed in for a payout (the dashboard) into
// the vault as a single-use token, so that the page confirming the payout
// carries the token and not the number. A payout carries no security code,
// so none is asked for or kept.
func (e *Engine) CreatePayoutToken(ctx context.Context, a Actor, in CardInput) (*CardToken, error) {
	in.CVC = ""
	withoutCVC(&in)
	tok, err := e.CreateToken(ctx, a, in)
	if err == nil {
		e.cvcs.take(tok.Method.ID)
	}
	return tok, err
}
