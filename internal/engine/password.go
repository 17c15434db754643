package engine

import (
	"context"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
)

// ChangePassword replaces the signed-in person's password once the
// current one is given. Every other session of theirs ends: whoever else
// knew the old password, or signed in with it, is out.
func (e *Engine) ChangePassword(ctx context.Context, a Actor, current, next string) error {
	if a.Principal.UserID == "" {
		return fault.New(fault.Forbidden, "user_required", "only a signed-in person has a password to change")
	}
	u, err := e.store.GetUser(ctx, a.MerchantID, a.Principal.UserID)
	if err != nil {
		return err
	}
	if ok, err := auth.VerifyPassword(u.PasswordHash, current); err != nil || !ok {
		// Audited as a failed sign-in: a wrong password is a wrong password.
		if err := e.recordAudit(ctx, e.auditEvent(a, audit.LoginFailed, "user", u.ID, map[string]string{"channel": "password_change"})); err != nil {
			return err
		}
		return fault.InvalidParam("current_password", "password_incorrect", "the current password is not right")
	}
	if next == current {
		return fault.InvalidParam("new_password", "password_unchanged", "the new password must differ from the current one")
	}
	if err := auth.ValidatePassword(next); err != nil {
		return fault.InvalidParam("new_password", "password_too_weak", "%s", err.Error())
	}
	keep := ""
	if a.Principal.Kind == auth.CredSession {
		keep = a.Principal.ID
	}
	_, err = e.setPassword(ctx, a, u.ID, u.PasswordHash, next, keep, audit.PasswordChanged, nil)
	return err
}

// ResetPassword gives a person a new generated password, shown once, for
// someone who forgot theirs; all their sessions end. It returns the person
// as the reset left them, so the answer showing the password needs no
// further read that could fail after the reset. The actor needs the
// rights to create such a person (mayGrant); the command line acts as the
// system.
func (e *Engine) ResetPassword(ctx context.Context, a Actor, userID string) (*auth.User, string, error) {
	// Else a stolen session could take the account without its password,
	// directly or through a key it creates.
	self, err := e.personBehind(ctx, a)
	if err != nil {
		return nil, "", err
	}
	if self != "" && self == userID {
		return nil, "", fault.New(fault.Forbidden, "use_password_change", "change your own password with your current one (the dashboard's Password page)")
	}
	u, err := e.store.GetUser(ctx, a.MerchantID, userID)
	if err != nil {
		return nil, "", err
	}
	password := id.Secret(18)
	// The rights are checked under the person's row lock, against the role
	// they have then (a promotion meanwhile is seen).
	may := func(cur *auth.User) error { return mayGrant(a, cur.Role, cur.Grants) }
	after, err := e.setPassword(ctx, a, u.ID, u.PasswordHash, password, "", audit.PasswordReset, may)
	if err != nil {
		return nil, "", err
	}
	return after, password, nil
}

// setPassword writes a new password if the person's hash is still was
// (a concurrent change wins; this one is refused) and check, if given,
// allows it; it ends their sessions but keep, audits it, and returns the
// person as written.
func (e *Engine) setPassword(ctx context.Context, a Actor, userID, was, password, keep string, action audit.Action, check func(*auth.User) error) (*auth.User, error) {
	hash, err := auth.HashPassword(password, e.pwParams)
	if err != nil {
		return nil, err
	}
	defer e.credentialsChanged()
	var out *auth.User
	err = e.store.Update(ctx, func(tx Tx) error {
		u, err := tx.GetUserForUpdate(ctx, a.MerchantID, userID)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(u); err != nil {
				return err
			}
		}
		if u.PasswordHash != was {
			return fault.New(fault.Conflict, "password_changed", "the password was changed meanwhile; try again")
		}
		now := e.now()
		u.PasswordHash, u.UpdatedAt = hash, now
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.RevokeUserSessions(ctx, a.MerchantID, userID, keep, now); err != nil {
			return err
		}
		out = u
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, action, "user", userID, nil))
	})
	return out, err
}
