package smartpay

import (
	"context"
	"encoding/json"
	"time"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/webhook"
)

// eventJSON is SmartPay's webhook body. It carries no signature (the
// vendor documents none): the merchant re-reads the status with
// GET /payment/status/{objectId}, as SmartPay recommends.
type eventJSON struct {
	ID         string            `json:"id"`
	CreatedAt  string            `json:"createdAt"`
	Origin     string            `json:"origin"`
	EventType  string            `json:"eventType"`
	ObjectID   string            `json:"objectId"`
	ObjectType string            `json:"objectType"`
	Metadata   map[string]string `json:"metadata"`
}

// webhookStamp is the vendor's createdAt: yyyy-MM-dd'T'HH:mm:ss.SS'Z'.
func webhookStamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.00Z") }

// EventSettled is the door's own event, due SettleAfter after a capture
// (engine.ScheduleDoorEvent): the SETTLED webhook. Only the payment's
// notification URL receives it, never a native webhook endpoint.
const EventSettled = "smartpay.settled"

// notified are the events SmartPay sends a webhook for, with their
// objectType and origin (who made the change). AUTHORIZATION_COMPLETED,
// CAPTURED and SETTLED are the vendor's; cancellation, refund, failure and
// expiry are sent too, as the vendor sends "updated" for every change it
// documents.
var notified = map[string]struct{ objectType, origin string }{
	EventSettled:              {"payment", "automated"},
	webhook.PaymentAuthorized: {"payment", "widget"},
	webhook.PaymentCaptured:   {"payment", "api"},
	webhook.PaymentFailed:     {"payment", "widget"},
	webhook.PaymentVoided:     {"payment", "api"},
	webhook.PaymentExpired:    {"payment", "automated"},
	webhook.PaymentRefunded:   {"payment", "api"},
	webhook.RefundSucceeded:   {"refund", "api"},
	webhook.RefundFailed:      {"refund", "api"},
}

// nativeObject is the part of a native payment or refund JSON the webhook needs.
type nativeObject struct {
	ID        string            `json:"id"`
	Object    string            `json:"object"`
	Status    string            `json:"status"`
	Capture   string            `json:"capture"`
	Payment   string            `json:"payment"`
	Metadata  map[string]string `json:"metadata"`
	UpdatedAt string            `json:"updated_at"`
	CreatedAt string            `json:"created_at"`
}

// Notification implements engine.DoorNotifier: the SmartPay webhook of one
// event of a payment made through this door.
func (s *Server) Notification(ctx context.Context, ev engine.DoorEvent) ([]byte, map[string]string, bool, error) {
	kind, ok := notified[ev.Type]
	if !ok {
		return nil, nil, false, nil
	}
	// The payload is the native event (its object under data.object) or,
	// from older callers, the native object itself.
	var env struct {
		Object    string `json:"object"`
		CreatedAt string `json:"created_at"`
		Data      struct {
			Object json.RawMessage `json:"object"`
		} `json:"data"`
	}
	var o nativeObject
	err := json.Unmarshal(ev.Payload, &env)
	if err == nil && env.Object == "event" && len(env.Data.Object) > 0 {
		err = json.Unmarshal(env.Data.Object, &o)
		if o.UpdatedAt == "" {
			o.UpdatedAt = env.CreatedAt
		}
	} else if err == nil {
		err = json.Unmarshal(ev.Payload, &o)
	}
	if err != nil {
		// A payload that cannot be read will not become readable: send nothing.
		s.log.ErrorContext(ctx, "smartpay webhook: unreadable event payload", "event", ev.ID, "type", ev.Type)
		return nil, nil, false, nil
	}
	if ev.Type == EventSettled {
		return s.settledNotification(ctx, ev, o)
	}
	if ev.Type == webhook.PaymentCaptured {
		if err := s.scheduleSettled(ctx, ev, o.ID); err != nil {
			return nil, nil, false, err // retried, and the schedule with it
		}
	}
	origin := kind.origin
	if ev.Type == webhook.PaymentCaptured && o.Capture == string(payment.CaptureAutomatic) {
		origin = "widget" // a sale: captured when the payer paid
	}
	paymentID, sessionID := o.ID, o.Metadata["checkout_session"]
	if kind.objectType == "refund" {
		paymentID, sessionID = o.Payment, ""
	}
	txID := o.Metadata["smartpay_transaction_id"]
	if txID == "" {
		txID = TransactionID(sessionID)
	}
	if txID == "" && s.e != nil && paymentID != "" {
		// A refund made elsewhere (native API, dashboard), or a payload
		// without metadata: find the payment's session.
		a := engine.Actor{MerchantID: ev.MerchantID, Mode: ev.Mode}
		p, _, err := s.e.GetPayment(ctx, a, paymentID)
		if err == nil {
			txID = TransactionID(p.Metadata["checkout_session"])
		} else if !fault.IsNotFound(err) {
			return nil, nil, false, err // retried
		}
	}
	if txID == "" {
		txID = paymentID
	}
	at, err := time.Parse(time.RFC3339Nano, env.CreatedAt)
	if err != nil {
		at, err = time.Parse(time.RFC3339Nano, o.UpdatedAt)
	}
	if err != nil {
		if at, err = time.Parse(time.RFC3339Nano, o.CreatedAt); err != nil {
			at = s.now()
		}
	}
	md := map[string]string{"reconciliationReferenceId": paymentID}
	if kind.objectType == "refund" {
		md["refundId"] = o.ID
		md["refundStatus"] = modificationStatuses[payment.OpStatus(o.Status)]
		if id := o.Metadata["smartpay_modification_id"]; id != "" {
			md["modificationId"] = id
		}
	} else if st, ok := statusTable[payment.Status(o.Status)]; ok {
		md["paymentStatus"] = st
	}
	return webhookBody(eventJSON{ID: ev.ID, CreatedAt: webhookStamp(at), Origin: origin, EventType: "updated",
		ObjectID: txID, ObjectType: kind.objectType, Metadata: md})
}

func webhookBody(v eventJSON) ([]byte, map[string]string, bool, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, nil, false, err
	}
	return body, map[string]string{"Content-Type": "application/json"}, true, nil
}

// scheduleSettled makes sure a captured payment's SETTLED webhook is due
// SettleAfter after its capture (once, however often the CAPTURED webhook
// is attempted). Without SettleAfter there is no SETTLED.
func (s *Server) scheduleSettled(ctx context.Context, ev engine.DoorEvent, paymentID string) error {
	if s.settle <= 0 || s.e == nil || paymentID == "" {
		return nil
	}
	a := engine.Actor{MerchantID: ev.MerchantID, Mode: ev.Mode}
	_, ops, err := s.e.GetPayment(ctx, a, paymentID)
	if err != nil {
		return err
	}
	at, ok := capturedAt(ops)
	if !ok {
		return nil
	}
	return s.e.ScheduleDoorEvent(ctx, a, paymentID, EventSettled, "settled:"+paymentID, at.Add(s.settle))
}

// settledNotification is the SETTLED webhook, rendered when it is due from
// the payment as it is then: a payment refunded or being refunded meanwhile
// never settles (its status does not say SETTLED), so nothing is sent.
func (s *Server) settledNotification(ctx context.Context, ev engine.DoorEvent, o nativeObject) ([]byte, map[string]string, bool, error) {
	if s.settle <= 0 || s.e == nil {
		return nil, nil, false, nil
	}
	p, ops, err := s.e.GetPayment(ctx, engine.Actor{MerchantID: ev.MerchantID, Mode: ev.Mode}, o.ID)
	if err != nil {
		if fault.IsNotFound(err) {
			return nil, nil, false, nil
		}
		return nil, nil, false, err
	}
	at, ok := capturedAt(ops)
	if !ok || p.Status != payment.Captured || p.RefundPending > 0 {
		return nil, nil, false, nil
	}
	txID := TransactionID(p.Metadata["checkout_session"])
	if txID == "" {
		txID = p.ID
	}
	return webhookBody(eventJSON{ID: ev.ID, CreatedAt: webhookStamp(at.Add(s.settle)), Origin: "automated", EventType: "updated",
		ObjectID: txID, ObjectType: "payment", Metadata: map[string]string{"reconciliationReferenceId": p.ID, "paymentStatus": StatusSettled}})
}

var _ engine.DoorNotifier = (*Server)(nil)
