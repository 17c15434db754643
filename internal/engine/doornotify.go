package engine

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/paygate/paygate/internal/payment"
)

// DoorNotifier renders a front door's own callback (Paymentz's signed
// notification, SmartPay's or Ottu's webhook, OpenTrade's result
// notification) for the events of a payment made through that door and
// sent to the payment's notification URL. Delivery is the engine's:
// durable, retried with backoff for days, every attempt logged, exactly
// like native webhooks; only the body and headers are the door's.
type DoorNotifier interface {
	// Notification returns what to POST for one event, or ok=false when the
	// door sends nothing for this event type (the delivery then succeeds
	// without a request). A returned error is retried like a failed send.
	Notification(ctx context.Context, ev DoorEvent) (body []byte, headers map[string]string, ok bool, err error)
}

// DoorEvent is one event of a door's payment, as it was when it happened.
type DoorEvent struct {
	// Door is the payment's door as the door set it: its name, optionally
	// followed by ":" and what the door needs to find its keys
	// ("paymentz:11344" names the memberId whose key signs the callback).
	Door       string
	ID         string // the delivery id; the same on every retry
	Type       string // payment.captured, refund.succeeded, …
	MerchantID string
	Mode       payment.Mode
	ObjectID   string
	// Payload is the event's native JSON (the object at the time of the event).
	Payload []byte
	Attempt int // 1 for the first attempt
}

// doorName is the notifier's name in a payment's door ("paymentz:11344" → "paymentz").
func doorName(door string) string {
	name, _, _ := strings.Cut(door, ":")
	return name
}

// RegisterDoor adds a front door's notifier (doors are built after the
// engine they use). Call it before the engine serves.
func (e *Engine) RegisterDoor(name string, n DoorNotifier) {
	if e.doors == nil {
		e.doors = map[string]DoorNotifier{}
	}
	e.doors[name] = n
}

// Object is the JSON of the event's object (the payload's data.object),
// or the payload itself when it is not an event envelope.
func (ev DoorEvent) Object() []byte {
	var env struct {
		Data struct {
			Object json.RawMessage `json:"object"`
		} `json:"data"`
	}
	if json.Unmarshal(ev.Payload, &env) == nil && len(env.Data.Object) > 0 && string(env.Data.Object) != "null" {
		return env.Data.Object
	}
	return ev.Payload
}
