package engine

import (
	"context"
	"time"

	"github.com/paygate/paygate/internal/payment"
)

// DoorReference is a merchant's reference that a front door keeps unique
// for ever in a mode (SmartPay's partnerReference), and what it first named.
type DoorReference struct {
	Door       string
	MerchantID string
	Mode       payment.Mode
	Reference  string
	ObjectID   string
	CreatedAt  time.Time
}

// ReserveDoorReference records that ref, at door, names objectID for the
// actor's merchant and mode. A reference used before, by any object, is a
// Conflict (code door_reference_taken); concurrent reservations of one
// reference let exactly one succeed.
func (e *Engine) ReserveDoorReference(ctx context.Context, a Actor, door, ref, objectID string) error {
	r := &DoorReference{Door: door, MerchantID: a.MerchantID, Mode: a.Mode, Reference: ref, ObjectID: objectID, CreatedAt: e.now()}
	return e.store.Update(ctx, func(tx Tx) error { return tx.InsertDoorReference(ctx, r) })
}

// FindDoorReference returns the actor's reference at door; NotFound if none.
func (e *Engine) FindDoorReference(ctx context.Context, a Actor, door, ref string) (*DoorReference, error) {
	return e.store.FindDoorReference(ctx, door, a.MerchantID, a.Mode, ref)
}
