package ottu

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/money"
	"github.com/paygate/paygate/internal/payment"
)

// Notifier renders Ottu's payment and operation webhooks for payments made
// through the door (engine.Config.Doors["ottu"]). The signing key is the
// merchant's notification secret (engine.NotificationSecret), Ottu's
// "webhook HMAC key".
type Notifier struct {
	Engine *engine.Engine
	// Now is the clock of timestamp_utc (default time.Now).
	Now func() time.Time
}

var _ engine.DoorNotifier = (*Notifier)(nil)

// nativePayment is the part of the native payment JSON (internal/api/render.go) the webhook needs.
type nativePayment struct {
	ID               string            `json:"id"`
	Status           string            `json:"status"`
	Amount           int64             `json:"amount"`
	Currency         string            `json:"currency"`
	Capture          string            `json:"capture"`
	AmountAuthorized int64             `json:"amount_authorized"`
	AmountCaptured   int64             `json:"amount_captured"`
	AmountRefunded   int64             `json:"amount_refunded"`
	Reference        *string           `json:"reference"`
	Metadata         map[string]string `json:"metadata"`
	Processor        string            `json:"processor"`
	ProcessorRef     *string           `json:"processor_reference"`
	PGCode           *string           `json:"pg_code"`
	FailureMessage   *string           `json:"failure_message"`
	PaymentMethod    struct {
		ID   *string `json:"id"`
		Card struct {
			Brand  string  `json:"brand"`
			Last4  string  `json:"last4"`
			Holder *string `json:"holder"`
		} `json:"card"`
	} `json:"payment_method"`
	// Refund operations carry their payment's id.
	Payment string `json:"payment"`
	Type    string `json:"type"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// events: which native events become which Ottu webhook.
var paymentEvents = map[string]bool{"payment.authorized": true, "payment.captured": true, "payment.failed": true, "payment.expired": true}

// Notification implements engine.DoorNotifier.
func (n *Notifier) Notification(ctx context.Context, ev engine.DoorEvent) ([]byte, map[string]string, bool, error) {
	var np nativePayment
	if err := json.Unmarshal(ev.Object(), &np); err != nil {
		return nil, nil, false, fmt.Errorf("ottu webhook: payload: %w", err)
	}
	a := engine.Actor{MerchantID: ev.MerchantID, Mode: ev.Mode}
	operation := ""
	switch {
	case ev.Type == "refund.succeeded" || ev.Type == "refund.failed":
		operation = "refund"
	case ev.Type == "payment.voided":
		operation = "void"
	case ev.Type == "payment.captured" && np.Capture == string(payment.CaptureManual):
		operation = "capture"
	case !paymentEvents[ev.Type] && ev.Type != inquiryEvent:
		return nil, nil, false, nil
	}
	body, err := n.render(ctx, a, ev, np, operation)
	if err != nil {
		return nil, nil, false, err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, nil, false, err
	}
	return b, map[string]string{"Content-Type": "application/json"}, true, nil
}

func (n *Notifier) render(ctx context.Context, a engine.Actor, ev engine.DoorEvent, np nativePayment, operation string) (map[string]any, error) {
	op := np
	if np.Payment != "" { // a refund operation: its payment supplies the rest
		p, _, err := n.Engine.GetPayment(ctx, a, np.Payment)
		if err != nil {
			return nil, err
		}
		b, _ := json.Marshal(map[string]any{"id": p.ID, "status": p.Status, "amount": p.Amount, "currency": p.Currency.Code,
			"capture": p.CaptureMethod, "amount_authorized": p.Authorized, "amount_captured": p.Captured, "amount_refunded": p.Refunded,
			"reference": p.Reference, "metadata": p.Metadata, "processor": p.Connector, "pg_code": p.Config})
		np = nativePayment{}
		if err := json.Unmarshal(b, &np); err != nil {
			return nil, err
		}
	}
	cur, err := money.Lookup(np.Currency)
	if err != nil {
		return nil, err
	}
	p := &payment.Payment{ID: np.ID, Status: payment.Status(np.Status), Amount: np.Amount, Currency: cur, Authorized: np.AmountAuthorized,
		Captured: np.AmountCaptured, Refunded: np.AmountRefunded}
	var sess *checkout.Session
	if sid := np.Metadata["checkout_session"]; sid != "" {
		if s, err := n.Engine.GetCheckoutSession(ctx, a, sid); err == nil {
			sess = s
		}
	}
	md := np.Metadata
	f := func(v int64) string { return money.Format(v, cur) }
	state := State(sess, p)
	body := map[string]any{
		"amount": f(np.Amount), "currency_code": cur.Code, "order_no": str(np.Reference), "session_id": md["checkout_session"],
		"reference_number": np.ID, "gateway_name": np.Processor, "gateway_account": str(np.PGCode), "state": state, "result": Result(p),
		"payment_type": md[mdPaymentType], "is_sandbox": ev.Mode == payment.Sandbox, "timestamp_utc": stamp(n.now()), "message": str(np.FailureMessage),
		"amount_details": map[string]string{"amount": f(np.Amount), "currency_code": cur.Code, "fee": f(0), "total": f(np.Amount)},
		"fee":            f(0), "extra": map[string]string{}, "customer_id": md[mdCustomerID],
		"pg_params": map[string]string{"card_type": op.PaymentMethod.Card.Brand, "card_number": maskLast4(op.PaymentMethod.Card.Last4),
			"card_holder": str(op.PaymentMethod.Card.Holder), "transaction_id": str(np.ProcessorRef), "result": Result(p)},
	}
	for k, v := range amounts(p, cur) {
		body[k] = v
	}
	for _, k := range customerFields {
		if v := md[mdCustomer+k]; v != "" {
			body[k] = v
		}
	}
	if tok := str(op.PaymentMethod.ID); tok != "" && md[mdPaymentType] != "" && md[mdPaymentType] != OneOff {
		body["token"] = map[string]string{"token": tok, "brand": op.PaymentMethod.Card.Brand, "number": maskLast4(op.PaymentMethod.Card.Last4),
			"customer_id": md[mdCustomerID]}
	}
	if operation != "" {
		opAmount, ref, result := np.AmountCaptured, np.ID, "success"
		switch operation {
		case "refund":
			opAmount, ref = op.Amount, op.ID
			if ev.Type == "refund.failed" {
				result = "failed"
			}
		case "void":
			opAmount = np.AmountAuthorized
		}
		body["operation"], body["amount"], body["reference_number"], body["result"] = operation, f(opAmount), ref, result
		body["success"] = result == "success"
		body["txn"] = map[string]string{"amount": f(np.Amount), "currency_code": cur.Code, "order_no": str(np.Reference),
			"session_id": md["checkout_session"], "state": state}
		body["pg_response"] = map[string]string{"result": result}
	}
	key, err := n.Engine.NotificationSecret(ctx, a)
	if err != nil {
		return nil, err
	}
	body["signature"] = Sign(stringFields(body), key)
	return body, nil
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

func maskLast4(last4 string) string {
	if last4 == "" {
		return ""
	}
	return "**** **** **** " + last4
}
