package payment

// Status is where a payment stands. The names are part of the public API.
type Status string

// The states of a payment.
//
//	processing ──► authorized ──► captured ──► partially_refunded ──► refunded
//	    │  │            │  └──► voided           └────────────────────────┘
//	    │  └► pending ──┤ (resolves to any outcome)
//	    │  └► requires_action (3-D Secure) ──► authorized / captured / failed / expired
//	    └──► failed
const (
	// Processing: recorded and sent to the processor; the outcome is not known
	// yet. A crash leaves payments here; recovery resolves them with a status
	// lookup, never by charging again.
	Processing Status = "processing"
	// RequiresAction: the payer must complete a step (3-D Secure challenge).
	RequiresAction Status = "requires_action"
	// Pending: the processor accepted the request but will decide later.
	Pending Status = "pending"
	// Authorized: funds are held, not yet captured.
	Authorized Status = "authorized"
	// Captured: money was captured (all of it, or a part with the rest released).
	Captured Status = "captured"
	// PartiallyRefunded: some but not all captured money was refunded.
	PartiallyRefunded Status = "partially_refunded"
	// Refunded: all captured money was refunded.
	Refunded Status = "refunded"
	// Voided: an authorization was cancelled before capture.
	Voided Status = "voided"
	// Failed: declined or errored; no money moved.
	Failed Status = "failed"
	// Expired: an authorization or a pending/action state ran out of time.
	Expired Status = "expired"
)

// Statuses lists every status, for validation of filters.
var Statuses = []Status{Processing, RequiresAction, Pending, Authorized, Captured, PartiallyRefunded, Refunded, Voided, Failed, Expired}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Final reports whether no further transition is possible except refunds of
// captured money.
func (s Status) Final() bool {
	switch s {
	case Refunded, Voided, Failed, Expired:
		return true
	}
	return false
}

// transitions lists each status's allowed next statuses.
var transitions = map[Status][]Status{
	Processing:        {RequiresAction, Pending, Authorized, Captured, Failed},
	RequiresAction:    {Processing, Authorized, Captured, Failed, Expired},
	Pending:           {Authorized, Captured, Failed, Expired},
	Authorized:        {Captured, Voided, Expired},
	Captured:          {PartiallyRefunded, Refunded},
	PartiallyRefunded: {PartiallyRefunded, Refunded},
}

// CanTransition reports whether from → to is allowed.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}
