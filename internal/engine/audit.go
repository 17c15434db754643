package engine

import (
	"context"

	"github.com/paygate/paygate/internal/audit"
)

// auditEvent builds an audit log line for an act by a. The event is written
// in the same transaction as the act, so the log never misses a change and
// never records one that was rolled back.
func (e *Engine) auditEvent(a Actor, action audit.Action, targetType, targetID string, details map[string]string) *audit.Event {
	actorType := string(a.Principal.Kind)
	if actorType == "" {
		actorType = "system"
	}
	now := e.now()
	// Monotonic ids: acts within one millisecond list in the order they happened.
	return &audit.Event{ID: e.eventIDs.New("aev", now), MerchantID: a.MerchantID, Mode: string(a.Mode), Action: action,
		ActorType: actorType, ActorID: a.Principal.ActorID(), TargetType: targetType, TargetID: targetID,
		IP: a.IP, RequestID: a.RequestID, Details: details, CreatedAt: now}
}

// recordAudit appends an event in its own transaction, for acts that change
// nothing else (a failed login).
func (e *Engine) recordAudit(ctx context.Context, ev *audit.Event) error {
	return e.store.Update(ctx, func(tx Tx) error { return tx.InsertAuditEvent(ctx, ev) })
}

// ListAuditEvents lists the actor's merchant's audit log, newest first.
func (e *Engine) ListAuditEvents(ctx context.Context, a Actor, f AuditFilter) ([]*audit.Event, error) {
	f.MerchantID = a.MerchantID
	if f.Limit <= 0 {
		f.Limit = 10
	}
	return e.store.ListAuditEvents(ctx, f)
}
