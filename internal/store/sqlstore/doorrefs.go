package sqlstore

import (
	"context"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

// InsertDoorReference implements engine.Tx; a taken reference is a Conflict.
func (t *Tx) InsertDoorReference(ctx context.Context, r *engine.DoorReference) error {
	_, err := t.exec(ctx, `INSERT INTO door_references (door, merchant_id, mode, reference, object_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.Door, r.MerchantID, string(r.Mode), r.Reference, r.ObjectID, micros(r.CreatedAt))
	if t.D.IsUniqueViolation(err) {
		return fault.New(fault.Conflict, "door_reference_taken", "the %s reference %q has been used already", r.Door, r.Reference)
	}
	return err
}

// FindDoorReference implements engine.Reader.
func (r *Reader) FindDoorReference(ctx context.Context, door, merchantID string, mode payment.Mode, ref string) (*engine.DoorReference, error) {
	var d engine.DoorReference
	var created int64
	err := r.row(ctx, `SELECT door, merchant_id, mode, reference, object_id, created_at FROM door_references WHERE door = ? AND merchant_id = ? AND mode = ? AND reference = ?`,
		door, merchantID, string(mode), ref).Scan(&d.Door, &d.MerchantID, &d.Mode, &d.Reference, &d.ObjectID, &created)
	d.CreatedAt = fromMicros(created)
	return one(&d, err, door+" reference", ref)
}
