package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/webhook"
)

// ScheduleDoorEvent records an event of a door's payment that only that
// door's notification endpoint receives (native webhook endpoints never
// see it), due at at: how the SmartPay door sends SETTLED, a status paygate
// derives from time rather than from a change of the payment. typ names
// the event ("smartpay.settled"); the door renders it when it is due, and
// may still send nothing then.
//
// once makes it happen once per payment: a repeat with the same once is
// a no-op, so a door may call it from every attempt of another delivery.
// A payment without a notification URL, or not made through a door, has
// nowhere to send it: nil, nothing recorded. The event, its reservation
// and its one delivery are written in one transaction.
func (e *Engine) ScheduleDoorEvent(ctx context.Context, a Actor, paymentID, typ, once string, at time.Time) error {
	p, _, err := e.GetPayment(ctx, a, paymentID)
	if err != nil {
		return err
	}
	if p.NotificationURL == "" || p.Door == "" {
		return nil
	}
	ep, err := e.store.FindNotificationEndpoint(ctx, a.MerchantID, a.Mode, p.NotificationURL, p.Door)
	if fault.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	now := e.now()
	ev := e.newEvent(a.MerchantID, a.Mode, typ, p.ID, e.render(p), 0)
	ev.NotifyURL, ev.NotifyDoor = p.NotificationURL, p.Door
	d := &webhook.Delivery{ID: id.NewAt("msg", now), EventID: ev.ID, EndpointID: ep.ID, MerchantID: a.MerchantID, Mode: a.Mode,
		Status: webhook.Pending, NextAttemptAt: at, CreatedAt: now, UpdatedAt: now}
	// The reservation lives in the door's own namespace of scheduled events,
	// apart from references merchants choose (SmartPay's partnerReference).
	ref := &DoorReference{Door: doorName(p.Door) + "#scheduled", MerchantID: a.MerchantID, Mode: a.Mode, Reference: once, ObjectID: ev.ID, CreatedAt: now}
	err = e.store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertDoorReference(ctx, ref); err != nil {
			return err
		}
		if err := tx.InsertEvent(ctx, ev); err != nil {
			return err
		}
		// Fanned already: the one delivery below is all there is.
		if err := tx.MarkEventsFanned(ctx, []string{ev.ID}); err != nil {
			return err
		}
		return tx.InsertDeliveries(ctx, []*webhook.Delivery{d})
	})
	if err != nil && fault.As(err).Code == "door_reference_taken" {
		return nil // scheduled before
	}
	return err
}
