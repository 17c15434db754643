package engine

import (
	"context"
	"encoding/json"
	"time"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/invoice"
	"github.com/paygate/paygate/internal/ledger"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/payout"
	"github.com/paygate/paygate/internal/recurring"
	"github.com/paygate/paygate/internal/webhook"
)

// EventRenderer turns the object of an event into its JSON, the same shape
// the API answers with (the API supplies it): a *payment.Payment, a refund's
// *payment.Operation or a *payout.Payout.
type EventRenderer func(object any) []byte

// eventStore wraps the store so that every transaction records, in the same
// transaction, an event for each payment status change and each finished
// refund, whatever use case made the change. No committed change goes
// without its event (reliability.md WH-08).
type eventStore struct {
	Store
	e *Engine
}

func (s *eventStore) Update(ctx context.Context, fn func(Tx) error) error {
	emitted := 0
	err := s.Store.Update(ctx, func(tx Tx) error {
		et := &eventTx{Tx: tx, e: s.e, seen: map[string]payment.Status{}}
		err := fn(et)
		emitted = et.emitted
		return err
	})
	if err == nil && emitted > 0 && s.e.eventsWritten != nil {
		s.e.eventsWritten() // wake the dispatcher: the events are committed
	}
	return err
}

// eventTx remembers the status each payment had when the transaction read
// it and emits events for what changed.
type eventTx struct {
	Tx
	e       *Engine
	seen    map[string]payment.Status
	emitted int
	// notify remembers each payment's notification URL and door, so its
	// refunds' events reach them too.
	notify map[string][2]string
}

func (t *eventTx) remember(p *payment.Payment) {
	if p.NotificationURL == "" {
		return
	}
	if t.notify == nil {
		t.notify = map[string][2]string{}
	}
	t.notify[p.ID] = [2]string{p.NotificationURL, p.Door}
}

func (t *eventTx) GetPaymentForUpdate(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payment.Payment, error) {
	p, err := t.Tx.GetPaymentForUpdate(ctx, merchantID, mode, id)
	if err == nil {
		t.seen[p.ID] = p.Status
		t.remember(p)
	}
	return p, err
}

func (t *eventTx) GetPayment(ctx context.Context, merchantID string, mode payment.Mode, id string) (*payment.Payment, error) {
	p, err := t.Tx.GetPayment(ctx, merchantID, mode, id)
	if err == nil {
		if _, ok := t.seen[p.ID]; !ok {
			t.seen[p.ID] = p.Status
		}
	}
	return p, err
}

func (t *eventTx) InsertPayment(ctx context.Context, p *payment.Payment) error {
	if err := t.Tx.InsertPayment(ctx, p); err != nil {
		return err
	}
	return t.flush(ctx, t.changed(p, payment.Processing, nil))
}

func (t *eventTx) UpdatePayment(ctx context.Context, p *payment.Payment) error {
	if err := t.Tx.UpdatePayment(ctx, p); err != nil {
		return err
	}
	before, ok := t.seen[p.ID]
	if !ok {
		before = payment.Processing
	}
	return t.flush(ctx, t.changed(p, before, nil))
}

// InsertOutcome hands the events to the store with the rest of the
// outcome, so that PostgreSQL writes them in the same single statement.
func (t *eventTx) InsertOutcome(ctx context.Context, p *payment.Payment, op *payment.Operation, postings []ledger.Posting, events []*webhook.Event, rec *IdempotencyRecord) error {
	if p != nil {
		events = t.changed(p, payment.Processing, events)
	}
	events = t.operation(op, payment.OpPending, events)
	return t.Tx.InsertOutcome(ctx, p, op, postings, events, rec)
}

func (t *eventTx) UpdateOperation(ctx context.Context, op *payment.Operation) error {
	if err := t.Tx.UpdateOperation(ctx, op); err != nil {
		return err
	}
	return t.flush(ctx, t.operation(op, payment.OpPending, nil))
}

func (t *eventTx) InsertOperation(ctx context.Context, op *payment.Operation) error {
	if err := t.Tx.InsertOperation(ctx, op); err != nil {
		return err
	}
	return t.flush(ctx, t.operation(op, payment.OpPending, nil))
}

func (t *eventTx) flush(ctx context.Context, events []*webhook.Event) error {
	for _, ev := range events {
		if err := t.Tx.InsertEvent(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// changed adds the event of a payment's new status, once per status.
func (t *eventTx) changed(p *payment.Payment, before payment.Status, events []*webhook.Event) []*webhook.Event {
	t.seen[p.ID] = p.Status
	t.remember(p)
	if p.Status == before {
		return events
	}
	typ := webhook.ForStatus(p.Status)
	if typ == "" {
		return events
	}
	return append(events, t.event(p.MerchantID, p.Mode, typ, p.ID, p, nil))
}

// operation adds refund.succeeded or refund.failed when a refund finishes.
func (t *eventTx) operation(op *payment.Operation, before payment.OpStatus, events []*webhook.Event) []*webhook.Event {
	if op == nil || op.Kind != payment.OpRefund || op.Status == before {
		return events
	}
	typ := webhook.RefundSucceeded
	switch op.Status {
	case payment.OpSucceeded:
	case payment.OpFailed:
		typ = webhook.RefundFailed
	default:
		return events
	}
	ev := t.event(op.MerchantID, op.Mode, typ, op.ID, nil, op)
	if n, ok := t.notify[op.PaymentID]; ok {
		ev.NotifyURL, ev.NotifyDoor = n[0], n[1]
	}
	return append(events, ev)
}

func (t *eventTx) event(merchantID string, mode payment.Mode, typ, objectID string, p *payment.Payment, op *payment.Operation) *webhook.Event {
	var obj any = p
	if op != nil {
		obj = op
	}
	ev := t.e.newEvent(merchantID, mode, typ, objectID, t.e.render(obj), t.emitted)
	if p != nil {
		ev.NotifyURL, ev.NotifyDoor = p.NotificationURL, p.Door
	}
	t.emitted++
	return ev
}

// newEvent builds an event with its exact payload. The sequence is the
// event time in microseconds (plus its rank within the transaction): an
// object's events are emitted under its row lock, one transaction after
// another, so the sequence grows per object.
func (e *Engine) newEvent(merchantID string, mode payment.Mode, typ, objectID string, object []byte, rank int) *webhook.Event {
	now := e.now()
	ev := &webhook.Event{ID: e.eventIDs.New("evt", now), MerchantID: merchantID, Mode: mode, Type: typ, ObjectID: objectID,
		Sequence: now.UnixMicro() + int64(rank), CreatedAt: now}
	// The object is already JSON (the renderer's): marshal the envelope
	// alone and splice the object in, instead of handing it to json.Marshal
	// as a RawMessage, which would scan and compact it all again inside the
	// store's writer.
	head, _ := json.Marshal(struct {
		ID        string       `json:"id"`
		Object    string       `json:"object"`
		Type      string       `json:"type"`
		Mode      payment.Mode `json:"mode"`
		CreatedAt string       `json:"created_at"`
		Sequence  int64        `json:"sequence"`
	}{ev.ID, "event", typ, mode, now.UTC().Format(time.RFC3339Nano), ev.Sequence})
	payload := make([]byte, 0, len(head)+len(object)+len(`,"data":{"object":}}`))
	payload = append(payload, head[:len(head)-1]...)
	payload = append(payload, `,"data":{"object":`...)
	payload = append(payload, object...)
	ev.Payload = append(payload, "}}"...)
	return ev
}

// render is the event object's JSON: the API's shape when the API supplied
// a renderer, else a minimal one (engine-only tests).
func (e *Engine) render(obj any) []byte {
	if e.renderer != nil {
		return e.renderer(obj)
	}
	var v map[string]any
	switch o := obj.(type) {
	case *payment.Operation:
		v = map[string]any{"id": o.ID, "object": "refund", "payment": o.PaymentID, "status": o.Status, "amount": o.Amount, "currency": o.Currency}
	case *payment.Payment:
		v = map[string]any{"id": o.ID, "object": "payment", "status": o.Status, "amount": o.Amount, "currency": o.Currency.Code}
	case *payout.Payout:
		v = map[string]any{"id": o.ID, "object": "payout", "status": o.Status, "amount": o.Amount, "currency": o.Currency.Code}
	case *checkout.Session:
		v = map[string]any{"id": o.ID, "object": "checkout_session", "status": o.Status, "payment": o.PaymentID}
	case *invoice.Invoice:
		v = map[string]any{"id": o.ID, "object": "invoice", "status": o.Status, "payment": o.PaymentID}
	case *recurring.Schedule:
		v = map[string]any{"id": o.ID, "object": "subscription", "status": o.Status, "cycles_paid": o.CyclesPaid}
	}
	b, _ := json.Marshal(v)
	return b
}

// emitObject records an event for an object the store decorator does not
// watch (payouts, checkout sessions), in the caller's transaction.
func (e *Engine) emitObject(ctx context.Context, tx Tx, merchantID string, mode payment.Mode, typ, objectID string, obj any) error {
	rank := 0
	if et, ok := tx.(*eventTx); ok {
		rank = et.emitted
		et.emitted++
	}
	ev := e.newEvent(merchantID, mode, typ, objectID, e.render(obj), rank)
	if s, ok := obj.(*checkout.Session); ok {
		ev.NotifyURL, ev.NotifyDoor = s.NotificationURL, s.Door
	}
	return tx.InsertEvent(ctx, ev)
}
