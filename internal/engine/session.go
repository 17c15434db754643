package engine

import (
	"context"
	"errors"

	"github.com/paygate/paygate/internal/audit"
	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/payment"
)

// LoginInput is a dashboard sign-in.
type LoginInput struct {
	Email, Password string
	// TOTP is the second factor's current code, needed once it is enabled.
	TOTP string
	Source
}

// Login checks a person's password (and second factor) and opens a
// session. The returned secret goes in a cookie; only its hash is stored.
func (e *Engine) Login(ctx context.Context, in LoginInput) (string, *auth.User, error) {
	u, err := e.checkPassword(ctx, in.Email, in.Password, in.Source, "dashboard")
	if err != nil {
		return "", nil, err
	}
	a := Actor{MerchantID: u.MerchantID, IP: in.IP, RequestID: in.RequestID,
		Principal: auth.Principal{Kind: auth.CredUser, UserID: u.ID}}
	var step uint64
	if u.TOTPEnabled {
		if in.TOTP == "" {
			return "", nil, fault.New(fault.Unauthorized, "totp_required", "this account has a second factor: send the current code as totp")
		}
		var ok bool
		if step, ok = auth.VerifyTOTPStep(u.TOTPSecret, in.TOTP, e.now()); !ok {
			return "", nil, e.totpRefused(ctx, a, u.ID, "totp")
		}
	}
	secret := auth.SessionPrefix + id.Secret(32)
	now := e.now()
	s := &auth.Session{ID: id.New("ses"), Hash: auth.HashSecret(secret), UserID: u.ID, MerchantID: u.MerchantID,
		IP: in.IP, CreatedAt: now, ExpiresAt: now.Add(e.sessionTTL)}
	userActor := a
	a.Principal.Kind, a.Principal.ID = auth.CredSession, s.ID
	err = e.store.Update(ctx, func(tx Tx) error {
		// The session is written under the person's row lock with the
		// password still the one checked: a sign-in racing a password
		// change or reset (whose transaction ends the sessions) either
		// commits first and is ended by it, or finds the password changed.
		cur, err := tx.GetUserForUpdate(ctx, u.MerchantID, u.ID)
		if err != nil {
			return err
		}
		if cur.PasswordHash != u.PasswordHash || !cur.Active() {
			return errChangedMeanwhile
		}
		if u.TOTPEnabled {
			// A code signs in once: the step is claimed under the same
			// lock, so two concurrent sign-ins with one observed code
			// cannot both pass.
			if step <= cur.TOTPLastStep {
				return errTOTPReused
			}
			cur.TOTPLastStep = step
			if err := tx.UpdateUser(ctx, cur); err != nil {
				return err
			}
		}
		if err := tx.InsertSession(ctx, s); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.LoginSucceeded, "user", u.ID, map[string]string{"channel": "dashboard", "session": s.ID}))
	})
	if errors.Is(err, errTOTPReused) {
		return "", nil, e.totpRefused(ctx, userActor, u.ID, "totp_reused")
	}
	if errors.Is(err, errChangedMeanwhile) {
		// Audited like any refused sign-in, with why.
		if err := e.recordAudit(ctx, e.auditEvent(userActor, audit.LoginFailed, "user", u.ID, map[string]string{"channel": "dashboard", "reason": "changed_meanwhile"})); err != nil {
			return "", nil, err
		}
		return "", nil, errInvalidCredentials
	}
	if err != nil {
		return "", nil, err
	}
	return secret, u, nil
}

var (
	errTOTPReused = errors.New("totp code already used")
	// errChangedMeanwhile: the password changed, or the person was
	// disabled, between the password check and the session's write.
	errChangedMeanwhile = errors.New("person changed during the sign-in")
)

// totpRefused audits a sign-in refused at the second factor and answers it;
// a reused code gets the same answer as a wrong one, so the answer tells an
// attacker nothing, while the audit log says which it was.
func (e *Engine) totpRefused(ctx context.Context, a Actor, userID, reason string) error {
	if err := e.recordAudit(ctx, e.auditEvent(a, audit.LoginFailed, "user", userID, map[string]string{"channel": "dashboard", "reason": reason})); err != nil {
		return err
	}
	return fault.New(fault.Unauthorized, "invalid_totp", "the second-factor code is wrong, expired or already used; wait for the next code")
}

var errInvalidSession = fault.New(fault.Unauthorized, "invalid_session", "the session is missing, expired or signed out")

// AuthenticateSession turns a session cookie into the person's actor in a
// mode. A disabled person's sessions stop working at once.
func (e *Engine) AuthenticateSession(ctx context.Context, secret string, mode payment.Mode, src Source) (Actor, error) {
	if len(secret) < 20 || len(secret) > 100 {
		return Actor{}, errInvalidSession
	}
	hash := auth.HashSecret(secret)
	s, err := e.store.FindSession(ctx, hash)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			return Actor{}, errInvalidSession
		}
		return Actor{}, err
	}
	if !auth.HashesEqual(s.Hash, hash) || !s.Active(e.now()) {
		return Actor{}, errInvalidSession
	}
	u, err := e.store.GetUser(ctx, s.MerchantID, s.UserID)
	if err != nil || !u.Active() {
		return Actor{}, errInvalidSession
	}
	return userActor(u, mode, s.ID, auth.CredSession, src), nil
}

// Logout ends a session.
func (e *Engine) Logout(ctx context.Context, a Actor, secret string) error {
	defer e.credentialsChanged()
	return e.store.Update(ctx, func(tx Tx) error {
		if err := tx.RevokeSession(ctx, auth.HashSecret(secret), e.now()); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.Logout, "user", a.Principal.UserID, nil))
	})
}

// BeginTOTP gives the signed-in person a new second-factor secret to add to
// an authenticator app; it takes effect once EnableTOTP sees a code from it.
func (e *Engine) BeginTOTP(ctx context.Context, a Actor) (secret, uri string, err error) {
	if !a.Principal.IsPerson() {
		return "", "", fault.New(fault.Forbidden, "person_required", "only a signed-in person can set up a second factor")
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		u, err := tx.GetUserForUpdate(ctx, a.MerchantID, a.Principal.UserID)
		if err != nil {
			return err
		}
		if u.TOTPEnabled {
			return fault.New(fault.Conflict, "totp_already_enabled", "a second factor is already enabled")
		}
		secret = auth.NewTOTPSecret()
		uri = auth.TOTPURI("paygate", u.Email, secret)
		u.TOTPSecret, u.UpdatedAt = secret, e.now()
		return tx.UpdateUser(ctx, u)
	})
	return secret, uri, err
}

// EnableTOTP turns the second factor on after checking a code from it.
func (e *Engine) EnableTOTP(ctx context.Context, a Actor, code string) error {
	if !a.Principal.IsPerson() {
		return fault.New(fault.Forbidden, "person_required", "only a signed-in person can set up a second factor")
	}
	defer e.credentialsChanged()
	return e.store.Update(ctx, func(tx Tx) error {
		u, err := tx.GetUserForUpdate(ctx, a.MerchantID, a.Principal.UserID)
		if err != nil {
			return err
		}
		if u.TOTPEnabled {
			return fault.New(fault.Conflict, "totp_already_enabled", "a second factor is already enabled")
		}
		if u.TOTPSecret == "" {
			return fault.New(fault.Conflict, "totp_not_started", "start the second-factor setup first")
		}
		step, ok := auth.VerifyTOTPStep(u.TOTPSecret, code, e.now())
		if !ok {
			return fault.InvalidParam("code", "invalid_totp", "the code does not match; check the authenticator's clock")
		}
		// The code that enabled the factor cannot also sign in. Cached
		// Basic sign-ins of the person are dropped (credentialsChanged):
		// from now on a password alone is not enough.
		u.TOTPEnabled, u.TOTPLastStep, u.UpdatedAt = true, step, e.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return tx.InsertAuditEvent(ctx, e.auditEvent(a, audit.TOTPEnabled, "user", u.ID, nil))
	})
}
