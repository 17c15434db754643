-- Credentials of the vendor-compatible front doors (the Paymentz door's
-- memberId and secureKey). The door's checksums need the key in clear, so
-- it is sealed by the vault (key_id names the data key), never hashed.
-- member_id is numeric because the vendor's integrations send it as a number.
CREATE TABLE door_credentials (
  door TEXT NOT NULL,
  member_id BIGINT NOT NULL,
  merchant_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  partner_id TEXT NOT NULL DEFAULT '',
  username TEXT NOT NULL DEFAULT '',
  key_id TEXT NOT NULL,
  sealed_key {{BLOB}} NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  PRIMARY KEY (door, member_id)
);
CREATE UNIQUE INDEX door_credentials_username ON door_credentials (door, username) WHERE username <> '';
CREATE INDEX door_credentials_merchant ON door_credentials (merchant_id, mode);
