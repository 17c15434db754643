package engine

import (
	"context"
	"slices"
	"strings"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
)

// UserInput describes a new team member. Without a Password one is
// generated and returned once.
type UserInput struct {
	Email    string
	Name     string
	Role     string
	Grants   []string
	Password string
}

// UserUpdate changes a team member; nil fields stay as they are.
type UserUpdate struct {
	Name     *string
	Role     *string
	Grants   *[]string
	Disabled *bool
}

func parseRole(s string) (auth.Role, error) {
	r := auth.Role(s)
	if !r.Valid() {
		return "", fault.InvalidParam("role", "parameter_invalid", "role must be one of owner, admin, developer, analyst, support")
	}
	return r, nil
}

func parseGrants(gs []string) (auth.Permissions, error) {
	var out []auth.Permission
	for _, g := range gs {
		p := auth.Permission(g)
		if !p.Valid() {
			return nil, fault.InvalidParam("permissions", "parameter_invalid", "unknown permission %q (operation permissions or use:<code>)", g)
		}
		out = append(out, p)
	}
	return auth.NewPermissions(out...), nil
}

// mayGrant stops a person from giving more than they have: only owners make
// owners, and nobody grants a permission they lack. Keys with team rights
// (live secret keys) and the system act for the merchant and may do all.
func mayGrant(a Actor, role auth.Role, grants auth.Permissions) error {
	p := a.Principal
	if !p.IsPerson() {
		return nil
	}
	if role == auth.RoleOwner && p.Role != auth.RoleOwner {
		return fault.Missing("permission_denied", "role:owner")
	}
	for _, g := range auth.Effective(role, grants) {
		if !p.Perms.Has(g) {
			return fault.Missing("permission_denied", string(g))
		}
	}
	return nil
}

// CreateUser adds a person to the actor's merchant.
func (e *Engine) CreateUser(ctx context.Context, a Actor, in UserInput) (*auth.User, string, error) {
	email, ok := auth.NormalizeEmail(in.Email)
	if !ok {
		return nil, "", fault.InvalidParam("email", "parameter_invalid", "email must be a plain address such as ana@example.com")
	}
	if err := validText("name", in.Name, 200); err != nil {
		return nil, "", err
	}
	role, err := parseRole(in.Role)
	if err != nil {
		return nil, "", err
	}
	grants, err := parseGrants(in.Grants)
	if err != nil {
		return nil, "", err
	}
	if err := mayGrant(a, role, grants); err != nil {
		return nil, "", err
	}
	if _, err := e.store.GetMerchant(ctx, a.MerchantID); err != nil {
		return nil, "", err
	}
	password, generated := in.Password, ""
	if password == "" {
		password = id.Secret(18)
		generated = password
	} else if err := auth.ValidatePassword(password); err != nil {
		return nil, "", fault.InvalidParam("password", "password_too_weak", "%s", err.Error())
	}
	hash, err := auth.HashPassword(password, e.pwParams)
	if err != nil {
		return nil, "", err
	}
	now := e.now()
	u := &auth.User{ID: id.New("usr"), MerchantID: a.MerchantID, Email: email, Name: strings.TrimSpace(in.Name), Role: role,
		Grants: grants, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	err = e.store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertUser(ctx, u); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.UserCreated, "user", u.ID,
			map[string]string{"role": string(role), "permissions": strings.Join(grants.Strings(), " ")}))
	})
	if err != nil {
		return nil, "", err
	}
	return u, generated, nil
}

// UpdateUser changes a person's name, role, grants or disabled state; any
// change of rights is audited with the before and after.
func (e *Engine) UpdateUser(ctx context.Context, a Actor, userID string, in UserUpdate) (*auth.User, error) {
	var u *auth.User
	defer e.credentialsChanged()
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if u, err = tx.GetUserForUpdate(ctx, a.MerchantID, userID); err != nil {
			return err
		}
		before := u.Permissions()
		oldRole := u.Role
		if in.Name != nil {
			if err := validText("name", *in.Name, 200); err != nil {
				return err
			}
			u.Name = strings.TrimSpace(*in.Name)
		}
		if in.Role != nil {
			if u.Role, err = parseRole(*in.Role); err != nil {
				return err
			}
		}
		if in.Grants != nil {
			if u.Grants, err = parseGrants(*in.Grants); err != nil {
				return err
			}
		}
		// Changing someone who outranks you is refused like granting it.
		if err := mayGrant(a, oldRole, nil); err != nil {
			return err
		}
		if err := mayGrant(a, u.Role, u.Grants); err != nil {
			return err
		}
		now := e.now()
		var events []*audit.Event
		disabling := in.Disabled != nil && *in.Disabled && u.DisabledAt == nil
		if oldRole == auth.RoleOwner && u.DisabledAt == nil && (u.Role != auth.RoleOwner || disabling) {
			// Else nobody could manage the team any more (only the command
			// line could mend it).
			if err := e.anotherOwner(ctx, tx, a.MerchantID, u.ID); err != nil {
				return err
			}
		}
		if in.Disabled != nil && *in.Disabled != (u.DisabledAt != nil) {
			if a.Principal.UserID == u.ID {
				return fault.InvalidParam("disabled", "cannot_disable_self", "you cannot disable your own account")
			}
			if *in.Disabled {
				u.DisabledAt = &now
				// Their sessions end now, not only while disabled: enabling
				// them again must not bring a stolen session back.
				if err := tx.RevokeUserSessions(ctx, a.MerchantID, u.ID, "", now); err != nil {
					return err
				}
				events = append(events, e.auditEvent(a, audit.UserDisabled, "user", u.ID, nil))
			} else {
				u.DisabledAt = nil
				events = append(events, e.auditEvent(a, audit.UserEnabled, "user", u.ID, nil))
			}
		}
		if after := u.Permissions(); !slices.Equal(before, after) || oldRole != u.Role {
			events = append(events, e.auditEvent(a, audit.PermissionChanged, "user", u.ID, map[string]string{
				"role_before": string(oldRole), "role_after": string(u.Role),
				"permissions_before": strings.Join(before.Strings(), " "), "permissions_after": strings.Join(after.Strings(), " ")}))
		}
		u.UpdatedAt = now
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		for _, ev := range events {
			if err := tx.InsertAuditEvent(ctx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// anotherOwner refuses to leave the merchant without an active owner: the
// other owners are locked and looked at under the lock, so two owners
// demoting each other at once cannot both succeed.
func (e *Engine) anotherOwner(ctx context.Context, tx Tx, merchantID, userID string) error {
	us, err := e.store.ListUsers(ctx, merchantID)
	if err != nil {
		return err
	}
	for _, o := range us {
		if o.ID == userID || o.Role != auth.RoleOwner {
			continue
		}
		cur, err := tx.GetUserForUpdate(ctx, merchantID, o.ID)
		if err != nil {
			return err
		}
		if cur.Role == auth.RoleOwner && cur.Active() {
			return nil
		}
	}
	return fault.New(fault.Conflict, "last_owner", "this is the merchant's last owner: make someone else an owner before changing their role or disabling them")
}

// ResetTOTP turns a person's second factor off, for someone who lost their
// authenticator: they sign in with their password and set it up again.
// Resetting someone who outranks you is refused like granting their role.
// The last accepted step is kept: it only ever grows.
func (e *Engine) ResetTOTP(ctx context.Context, a Actor, userID string) (*auth.User, error) {
	var u *auth.User
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if u, err = tx.GetUserForUpdate(ctx, a.MerchantID, userID); err != nil {
			return err
		}
		if err := mayGrant(a, u.Role, u.Grants); err != nil {
			return err
		}
		if !u.TOTPEnabled && u.TOTPSecret == "" {
			return fault.New(fault.Conflict, "totp_not_enabled", "this person has no second factor to reset")
		}
		u.TOTPEnabled, u.TOTPSecret, u.UpdatedAt = false, "", e.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.TOTPReset, "user", u.ID, nil))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserByEmail finds a person of the actor's merchant by sign-in email.
func (e *Engine) UserByEmail(ctx context.Context, a Actor, email string) (*auth.User, error) {
	norm, ok := auth.NormalizeEmail(email)
	if !ok {
		return nil, fault.InvalidParam("email", "invalid_email", "not an email address: %q", email)
	}
	u, err := e.store.FindUserByEmail(ctx, norm)
	if err != nil {
		return nil, err
	}
	if u.MerchantID != a.MerchantID {
		return nil, fault.NotFoundf("user", email)
	}
	return u, nil
}

// ListUsers lists the actor's merchant's team.
func (e *Engine) ListUsers(ctx context.Context, a Actor) ([]*auth.User, error) {
	return e.store.ListUsers(ctx, a.MerchantID)
}

// GetUser returns one of the actor's merchant's team.
func (e *Engine) GetUser(ctx context.Context, a Actor, userID string) (*auth.User, error) {
	return e.store.GetUser(ctx, a.MerchantID, userID)
}
