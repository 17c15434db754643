package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/connector"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// connectorFor is the mode's built-in connector (the sandbox in sandbox mode).
func (e *Engine) connectorFor(mode payment.Mode) (connector.Connector, error) {
	c := e.connectors[mode]
	if c == nil {
		return nil, fault.New(fault.Unavailable, "processor_not_configured", "no processor is configured for %s mode", mode)
	}
	return c, nil
}

// CreatePayment validates the request, records the payment as processing,
// asks the processor, and records the outcome. A decline is not an error: the
// payment comes back failed with its failure code. With an Idempotency key, a
// repeat answers the stored Replay and nothing else happens.
func (e *Engine) CreatePayment(ctx context.Context, a Actor, in CreatePaymentInput, idem *Idempotency) (*payment.Payment, *Replay, error) {
	now := e.now()
	cur, err := in.validate(now)
	if err != nil {
		return nil, nil, err
	}
	if in.Config != "" {
		cfg, err := e.paymentConfig(ctx, a, in.Config, cur.Code)
		if err != nil {
			return nil, nil, err
		}
		if cfg.Operation == "authorize" && in.CaptureMethod == payment.CaptureAutomatic && !in.captureGiven {
			in.CaptureMethod = payment.CaptureManual
		}
	}
	if err := e.notificationURL(ctx, a, "notification_url", in.NotificationURL, in.Door); err != nil {
		return nil, nil, err
	}
	src, err := e.resolveSource(ctx, a, &in, now)
	if err != nil {
		return nil, nil, err
	}
	routes, err := e.routes(ctx, a, in, cur.Code, src)
	if err != nil {
		if src.cvcBack != nil {
			src.cvcBack()
		}
		return nil, nil, err
	}
	first := routes[0]
	p := &payment.Payment{
		ID: id.New("pay"), MerchantID: a.MerchantID, Mode: a.Mode, Status: payment.Processing,
		Amount: in.Amount, Currency: cur, CaptureMethod: in.CaptureMethod,
		Card:        cardView(src, src.fingerprint),
		Description: in.Description, Reference: in.Reference, Customer: in.Customer, Metadata: in.Metadata,
		Initiator: in.Initiator, ReturnURL: in.ReturnURL, NotificationURL: in.NotificationURL, Config: first.code(),
		Connector: first.conn.Name(), Door: in.Door, CreatedAt: now, UpdatedAt: now,
	}
	if src.mandate != nil {
		p.Mandate = src.mandate.ID
	}
	switch {
	case src.saved != nil:
		p.PaymentMethod = src.saved.ID
	case src.token != nil:
		p.PaymentMethod = src.token.ID
	}
	if idem != nil {
		p.IdempotencyKey = idem.Key
	}
	op := authorizationOp(p, now)
	req := connector.AuthorizeRequest{
		PaymentID: p.ID, MerchantID: a.MerchantID, Live: a.Mode == payment.Live,
		Amount:  money.Amount{Minor: in.Amount, Currency: cur},
		Capture: in.CaptureMethod == payment.CaptureAutomatic,
		Card: connector.Card{Number: src.number, ExpMonth: src.card.ExpMonth, ExpYear: normalizeYear(src.card.ExpYear),
			CVC: src.card.CVC, Holder: src.card.Holder, Brand: string(src.brand)},
		Description: in.Description, Reference: in.Reference, Customer: in.Customer,
		MerchantInitiated: in.Initiator == payment.MerchantInitiated, ReturnURL: in.ReturnURL,
	}
	// With a configuration to fail over to, the ordinary path runs: the
	// in-process one asks the first configuration only.
	if ip, ok := first.conn.(connector.InProcess); ok && ip.InProcess() && len(routes) == 1 {
		return e.createInProcess(ctx, a, first, p, op, req, src, idem)
	}

	// The operation is written with its outcome, in the second transaction:
	// until then the payment's own "processing" status is the record.
	replay, err := e.startTx(ctx, a, idem, p.ID, func(tx Tx) error {
		if err := src.consume(ctx, tx, now); err != nil {
			return err
		}
		if err := src.keep(ctx, tx, p); err != nil {
			return err
		}
		if err := src.keepMandate(ctx, tx, p, now); err != nil {
			return err
		}
		return tx.InsertPayment(ctx, p)
	})
	if replay != nil || err != nil {
		if src.cvcBack != nil {
			src.cvcBack()
		}
		return nil, replay, err
	}

	res, callErr, err := e.authorize(ctx, a, p, op, routes, req)
	if err != nil {
		return nil, nil, err
	}
	pctx, cancel := e.processorContext(ctx)
	defer cancel()
	return e.recordAuthorization(pctx, a, p.ID, op, res, callErr, idem)
}

func normalizeYear(y int) int {
	if y >= 0 && y < 100 {
		return y + 2000
	}
	return y
}

// authorizationOp is the operation that records a payment's authorization or sale.
func authorizationOp(p *payment.Payment, now time.Time) *payment.Operation {
	kind := payment.OpAuthorize
	if p.CaptureMethod == payment.CaptureAutomatic {
		kind = payment.OpSale
	}
	return &payment.Operation{ID: id.New("op"), PaymentID: p.ID, MerchantID: p.MerchantID, Mode: p.Mode, Kind: kind,
		Status: payment.OpPending, Amount: p.Amount, Currency: p.Currency.Code, CreatedAt: now, UpdatedAt: now}
}
