package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
	"github.com/paygate/paygate/internal/store/sqlite"
)

// An event's payload is the envelope with the rendered object spliced in:
// valid, compact JSON whose data.object is the payment.
func TestEventPayloadIsTheEnvelopeAroundTheObject(t *testing.T) {
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/ev.db", sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := newFixture(t, st, nil)
	p := f.pay(t, 1200, payment.CaptureAutomatic)
	evs, err := f.e.ListEvents(context.Background(), f.actor, engine.EventFilter{ObjectID: p.ID, Limit: 10})
	if err != nil || len(evs) == 0 {
		t.Fatalf("events of %s: %v %v", p.ID, evs, err)
	}
	for _, ev := range evs {
		var compact bytes.Buffer
		if err := json.Compact(&compact, ev.Payload); err != nil || !bytes.Equal(compact.Bytes(), ev.Payload) {
			t.Fatalf("payload is not compact JSON (%v): %s", err, ev.Payload)
		}
		var got struct {
			ID, Object, Type, Mode, CreatedAt string
			Sequence                          int64
			Data                              struct{ Object map[string]any }
		}
		if err := json.Unmarshal(ev.Payload, &got); err != nil {
			t.Fatal(err)
		}
		if got.ID != ev.ID || got.Object != "event" || got.Type != ev.Type || got.Mode != string(payment.Sandbox) || got.Sequence != ev.Sequence ||
			got.Data.Object["id"] != p.ID {
			t.Fatalf("payload %s does not describe event %s of %s", ev.Payload, ev.ID, p.ID)
		}
	}
}
