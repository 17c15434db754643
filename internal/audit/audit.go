// Package audit defines the security audit log's events: who did what to
// which object, when, from where. Events are appended, never changed. No I/O.
package audit

import "time"

// Action names a security-relevant act.
type Action string

// Audited actions.
const (
	KeyCreated        Action = "api_key.created"
	KeyRolled         Action = "api_key.rolled"
	KeyRevoked        Action = "api_key.revoked"
	TokenIssued       Action = "oauth_token.issued"
	TokenRevoked      Action = "oauth_token.revoked"
	LoginSucceeded    Action = "login.succeeded"
	LoginFailed       Action = "login.failed"
	Logout            Action = "logout"
	UserCreated       Action = "user.created"
	PermissionChanged Action = "user.permissions_changed"
	UserDisabled      Action = "user.disabled"
	UserEnabled       Action = "user.enabled"
	TOTPEnabled       Action = "user.totp_enabled"
	TOTPReset         Action = "user.totp_reset"
	PasswordChanged   Action = "user.password_changed"
	PasswordReset     Action = "user.password_reset"
	PaymentCaptured   Action = "payment.captured"
	PaymentVoided     Action = "payment.voided"
	RefundCreated     Action = "refund.created"
	PayoutCreated     Action = "payout.created"
	CardDeleted       Action = "payment_method.deleted"
	CustomerDeleted   Action = "customer.deleted"
	ConfigChanged     Action = "configuration.changed"
)

// Event is one line of the audit log.
type Event struct {
	ID         string
	MerchantID string
	// Mode is the mode the actor acted in; people's acts on the team have none.
	Mode       string
	Action     Action
	ActorType  string
	ActorID    string
	TargetType string
	TargetID   string
	IP         string
	RequestID  string
	Details    map[string]string
	CreatedAt  time.Time
}
