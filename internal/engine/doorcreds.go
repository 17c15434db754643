package engine

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"strconv"
	"time"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/id"
	"github.com/paygate/paygate/internal/payment"
)

// DoorCredential is a merchant's identity at a vendor-compatible front door
// (the Paymentz door's memberId and secureKey). The vendor's checksums need
// the secret in clear, so it is sealed by the vault rather than hashed.
type DoorCredential struct {
	Door       string
	MemberID   int64
	MerchantID string
	Mode       payment.Mode
	PartnerID  string
	Username   string
	// KeyID and SealedKey are the vault-sealed secret.
	KeyID     string
	SealedKey []byte
	CreatedAt time.Time
	RevokedAt *time.Time
}

// AAD binds a sealed door secret to its door, member, merchant, mode and data key.
func (c *DoorCredential) AAD() []byte {
	return []byte("doorcred|" + c.Door + "|" + strconv.FormatInt(c.MemberID, 10) + "|" + c.MerchantID + "|" + string(c.Mode) + "|" + c.KeyID)
}

// DoorCredentialOptions are the optional parts of a new door credential.
type DoorCredentialOptions struct {
	PartnerID string
	// Username is the login name the door also accepts instead of the
	// member id (unique per door).
	Username string
}

// Principal is the acting credential of a request that presented c: it may
// read and write payments and refunds, nothing else.
func (c *DoorCredential) Principal() auth.Principal {
	ref := c.Door + ":" + strconv.FormatInt(c.MemberID, 10)
	return auth.Principal{Kind: auth.CredentialKind("door_credential"), ID: ref, KeyID: ref,
		Scopes: auth.NewScopes(auth.ScopePaymentsRead, auth.ScopePaymentsWrite, auth.ScopeRefundsWrite)}
}

// Actor is who acts for a request authenticated by c.
func (c *DoorCredential) Actor() Actor {
	return Actor{MerchantID: c.MerchantID, Mode: c.Mode, Principal: c.Principal()}
}

// memberIDMin and memberIDMax bound new member ids: eight to ten digits
// that fit a signed 32-bit integer, since the vendor's integrations keep
// memberId in an int.
const (
	memberIDMin = 10_000_000
	memberIDMax = 2_147_483_647
)

// CreateDoorCredential issues the actor's merchant a new credential for a
// door in the actor's mode: a random numeric member id and a random secret
// returned once (only its sealed form is kept).
func (e *Engine) CreateDoorCredential(ctx context.Context, a Actor, door string, opts DoorCredentialOptions) (*DoorCredential, string, error) {
	if door == "" || len(door) > 40 {
		return nil, "", fault.InvalidParam("door", "parameter_invalid", "door must name a front door")
	}
	if err := validText("username", opts.Username, 100); err != nil {
		return nil, "", err
	}
	if err := validText("partner_id", opts.PartnerID, 100); err != nil {
		return nil, "", err
	}
	secret := id.Secret(20)
	for attempt := 0; ; attempt++ {
		c := &DoorCredential{Door: door, MemberID: randomMemberID(), MerchantID: a.MerchantID, Mode: a.Mode,
			PartnerID: opts.PartnerID, Username: opts.Username, CreatedAt: e.now()}
		var err error
		if c.KeyID, c.SealedKey, err = e.seal(ctx, func(k string) []byte { c.KeyID = k; return c.AAD() }, []byte(secret)); err != nil {
			return nil, "", err
		}
		err = e.store.Update(ctx, func(tx Tx) error {
			if err := tx.InsertDoorCredential(ctx, c); err != nil {
				return err
			}
			return tx.InsertAuditEvent(ctx, e.auditEvent(a, "door_credential.created", "door_credential", door+":"+strconv.FormatInt(c.MemberID, 10), nil))
		})
		if err == nil {
			return c, secret, nil
		}
		// A taken member id is retried with another; a taken username is the caller's.
		if fe := fault.As(err); fe.Code != "door_credential_taken" || attempt >= 4 || c.Username != "" && e.usernameTaken(ctx, door, c.Username) {
			return nil, "", err
		}
	}
}

func (e *Engine) usernameTaken(ctx context.Context, door, username string) bool {
	_, err := e.store.FindDoorCredentialByUsername(ctx, door, username)
	return err == nil
}

func randomMemberID() int64 {
	var b [8]byte
	rand.Read(b[:])
	return memberIDMin + int64(binary.BigEndian.Uint64(b[:])%uint64(memberIDMax-memberIDMin+1))
}

// errDoorAuth is the one answer to every failed door login, so a caller
// cannot tell an unknown member from a wrong secret.
var errDoorAuth = fault.New(fault.Unauthorized, "door_authentication_failed", "the member id, login name or secure key is not valid")

// DoorCredential returns a live credential of a door by member id and its
// secret in clear (for checksums); an unknown or revoked one is Unauthorized.
func (e *Engine) DoorCredential(ctx context.Context, door string, memberID int64) (*DoorCredential, string, error) {
	c, err := e.store.FindDoorCredential(ctx, door, memberID)
	return e.openDoorCredential(ctx, c, err)
}

// DoorCredentialByUsername is DoorCredential by login name.
func (e *Engine) DoorCredentialByUsername(ctx context.Context, door, username string) (*DoorCredential, string, error) {
	if username == "" {
		return nil, "", errDoorAuth
	}
	c, err := e.store.FindDoorCredentialByUsername(ctx, door, username)
	return e.openDoorCredential(ctx, c, err)
}

func (e *Engine) openDoorCredential(ctx context.Context, c *DoorCredential, err error) (*DoorCredential, string, error) {
	if fault.IsNotFound(err) {
		return nil, "", errDoorAuth
	}
	if err != nil {
		return nil, "", err
	}
	if c.RevokedAt != nil && !c.RevokedAt.After(e.now()) {
		return nil, "", errDoorAuth
	}
	pt, err := e.open(ctx, c.KeyID, c.AAD(), c.SealedKey)
	if err != nil {
		return nil, "", errors.Join(fault.New(fault.Internal, "vault_open_failed", "door credential cannot be opened"), err)
	}
	return c, string(pt), nil
}

// SecretsEqual compares two secrets in constant time.
func SecretsEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
