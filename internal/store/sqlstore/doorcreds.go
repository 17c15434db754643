package sqlstore

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
)

const doorCredentialColumns = `door, member_id, merchant_id, mode, partner_id, username, key_id, sealed_key, created_at, revoked_at`

func scanDoorCredential(s scanner) (*engine.DoorCredential, error) {
	var c engine.DoorCredential
	var created int64
	var revoked sql.NullInt64
	if err := s.Scan(&c.Door, &c.MemberID, &c.MerchantID, &c.Mode, &c.PartnerID, &c.Username, &c.KeyID, &c.SealedKey, &created, &revoked); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMicros(created)
	if revoked.Valid {
		t := fromMicros(revoked.Int64)
		c.RevokedAt = &t
	}
	return &c, nil
}

// InsertDoorCredential implements engine.Tx; a taken member id or username is a Conflict.
func (t *Tx) InsertDoorCredential(ctx context.Context, c *engine.DoorCredential) error {
	var revoked any
	if c.RevokedAt != nil {
		revoked = micros(*c.RevokedAt)
	}
	_, err := t.exec(ctx, `INSERT INTO door_credentials (`+doorCredentialColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Door, c.MemberID, c.MerchantID, string(c.Mode), c.PartnerID, c.Username, c.KeyID, c.SealedKey, micros(c.CreatedAt), revoked)
	if t.D.IsUniqueViolation(err) {
		return fault.New(fault.Conflict, "door_credential_taken", "a %s credential with this member id or username exists", c.Door)
	}
	return err
}

// FindDoorCredential implements engine.Reader.
func (r *Reader) FindDoorCredential(ctx context.Context, door string, memberID int64) (*engine.DoorCredential, error) {
	c, err := scanDoorCredential(r.row(ctx, `SELECT `+doorCredentialColumns+` FROM door_credentials WHERE door = ? AND member_id = ?`, door, memberID))
	return one(c, err, door+" credential", strconv.FormatInt(memberID, 10))
}

// FindDoorCredentialByUsername implements engine.Reader.
func (r *Reader) FindDoorCredentialByUsername(ctx context.Context, door, username string) (*engine.DoorCredential, error) {
	c, err := scanDoorCredential(r.row(ctx, `SELECT `+doorCredentialColumns+` FROM door_credentials WHERE door = ? AND username = ? AND username <> ''`, door, username))
	return one(c, err, door+" credential", username)
}
