package engine

import (
	"context"
	"encoding/base64"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// threeDSRecord turns a processor's 3-D Secure answer into what the payment
// keeps: the authentication value sealed by the vault (PCI 3DS treats it as
// sensitive), and liability shift derived here, never taken from a client.
func (e *Engine) threeDSRecord(ctx context.Context, p *payment.Payment, t *connector.ThreeDS) *payment.ThreeDS {
	out := &payment.ThreeDS{Version: t.Version, TransStatus: t.TransStatus, ECI: t.ECI, Flow: t.Flow,
		LiabilityShift: t.TransStatus == "Y" || t.TransStatus == "A"}
	if out.Flow == "" {
		out.Flow = "challenge"
	}
	if t.CAVV != "" {
		keyID, sealed, err := e.seal(ctx, func(k string) []byte { return []byte("cavv|" + p.ID + "|" + k) }, []byte(t.CAVV))
		if err == nil {
			out.SealedAuthValue, out.AuthValueKeyID = base64.StdEncoding.EncodeToString(sealed), keyID
		}
	}
	return out
}

// AuthenticationValue opens a payment's sealed 3-D Secure authentication
// value (for a connector that sends it with a later authorization, and for
// tests).
func (e *Engine) AuthenticationValue(ctx context.Context, p *payment.Payment) (string, error) {
	if p.ThreeDS == nil || p.ThreeDS.SealedAuthValue == "" {
		return "", fault.New(fault.NotFound, "resource_missing", "payment %s has no authentication value", p.ID)
	}
	sealed, err := base64.StdEncoding.DecodeString(p.ThreeDS.SealedAuthValue)
	if err != nil {
		return "", err
	}
	pt, err := e.open(ctx, p.ThreeDS.AuthValueKeyID, []byte("cavv|"+p.ID+"|"+p.ThreeDS.AuthValueKeyID), sealed)
	return string(pt), err
}

// CompleteChallenge records the outcome of a 3-D Secure challenge that the
// payer finished at the connector's authentication page (the sandbox ACS).
// The connector is the only source of the result; the payer's browser only
// says which challenge ended.
func (e *Engine) CompleteChallenge(ctx context.Context, connectorName, challengeID, answer string) (*payment.Payment, error) {
	ch, err := e.challenger(connectorName)
	if err != nil {
		return nil, err
	}
	pctx, cancel := e.processorContext(ctx)
	defer cancel()
	info, ok := ch.Challenge(challengeID)
	if !ok {
		return nil, fault.NotFoundf("challenge", challengeID)
	}
	mode := payment.Sandbox
	if info.Live {
		mode = payment.Live
	}
	a := Actor{MerchantID: info.MerchantID, Mode: mode}
	p, err := e.store.GetPayment(pctx, a.MerchantID, a.Mode, info.PaymentID)
	if err != nil {
		return nil, err
	}
	if p.Status != payment.RequiresAction {
		return p, nil // already finished (or expired): the first answer stands
	}
	res, err := ch.CompleteChallenge(pctx, challengeID, answer)
	if err != nil {
		return nil, err
	}
	return e.resolveRequiresAction(pctx, a, p.ID, res)
}

func (e *Engine) challenger(name string) (connector.Challenger, error) {
	for _, c := range e.connectors {
		if cc, ok := c.(connector.Challenger); ok && c.Name() == name {
			return cc, nil
		}
	}
	return nil, fault.New(fault.NotFound, "resource_missing", "no connector %q takes challenges", name)
}

// Challenge describes a waiting 3-D Secure challenge for the payer's page,
// with the payment and merchant it belongs to.
type Challenge struct {
	Info     connector.ChallengeInfo
	Payment  *payment.Payment
	Merchant string
}

// GetChallenge finds a challenge by its id at a connector.
func (e *Engine) GetChallenge(ctx context.Context, connectorName, challengeID string) (*Challenge, error) {
	ch, err := e.challenger(connectorName)
	if err != nil {
		return nil, err
	}
	info, ok := ch.Challenge(challengeID)
	if !ok {
		return nil, fault.NotFoundf("challenge", challengeID)
	}
	mode := payment.Sandbox
	if info.Live {
		mode = payment.Live
	}
	p, err := e.store.GetPayment(ctx, info.MerchantID, mode, info.PaymentID)
	if err != nil {
		return nil, err
	}
	m, err := e.store.GetMerchant(ctx, info.MerchantID)
	if err != nil {
		return nil, err
	}
	return &Challenge{Info: info, Payment: p, Merchant: m.Name}, nil
}

// resolveRequiresAction records the final answer for a payment waiting on 3-D Secure.
func (e *Engine) resolveRequiresAction(ctx context.Context, a Actor, paymentID string, res connector.Result) (*payment.Payment, error) {
	ops, err := e.store.ListOperations(ctx, a.MerchantID, a.Mode, paymentID)
	if err != nil {
		return nil, err
	}
	var out *payment.Payment
	err = e.store.Update(ctx, func(tx Tx) error {
		p, err := tx.GetPaymentForUpdate(ctx, a.MerchantID, a.Mode, paymentID)
		if err != nil {
			return err
		}
		op, stored := authorizationOp(p, e.now()), false
		if len(ops) > 0 {
			if op, err = tx.GetOperationForUpdate(ctx, a.MerchantID, a.Mode, ops[0].ID); err != nil {
				return err
			}
			stored = true
		}
		if err := e.applyAuthorization(ctx, tx, p, op, stored, res, nil); err != nil {
			return err
		}
		out = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.notify(out)
	return out, nil
}

// ExpireChallenges ends payments whose payer abandoned 3-D Secure: after
// the challenge lifetime they become expired with authentication_expired,
// and a card saved during them is erased. Nothing was authorized, so no
// money moves.
func (e *Engine) ExpireChallenges(ctx context.Context) (int, error) {
	ps, err := e.store.PaymentsInStatus(ctx, payment.RequiresAction, e.now().Add(-e.challenge), 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range ps {
		a := Actor{MerchantID: p.MerchantID, Mode: p.Mode}
		ops, err := e.store.ListOperations(ctx, a.MerchantID, a.Mode, p.ID)
		if err != nil {
			return n, err
		}
		var changed *payment.Payment
		err = e.store.Update(ctx, func(tx Tx) error {
			cur, err := tx.GetPaymentForUpdate(ctx, a.MerchantID, a.Mode, p.ID)
			if err != nil || cur.Status != payment.RequiresAction {
				return err
			}
			now := e.now()
			cur.Status, cur.NextAction, cur.UpdatedAt = payment.Expired, nil, now
			cur.FailureCode, cur.FailureMessage = "authentication_expired", "the payer did not complete 3-D Secure in time"
			if len(ops) > 0 {
				op, err := tx.GetOperationForUpdate(ctx, a.MerchantID, a.Mode, ops[0].ID)
				if err != nil {
					return err
				}
				op.Status, op.FailureCode, op.FailureMessage, op.UpdatedAt = payment.OpFailed, cur.FailureCode, cur.FailureMessage, now
				if err := tx.UpdateOperation(ctx, op); err != nil {
					return err
				}
			}
			if err := tx.UpdatePayment(ctx, cur); err != nil {
				return err
			}
			changed = cur
			if err := e.settleMandate(ctx, tx, cur); err != nil {
				return err
			}
			return e.settleSavedCard(ctx, tx, cur)
		})
		if err != nil {
			return n, err
		}
		if changed != nil {
			n++
			e.notify(changed)
		}
	}
	return n, nil
}
