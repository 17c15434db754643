-- The person a key was made for: the one who created it, or who created
-- the key that created it (empty for keys the system made). A person may
-- not reset their own password with a key of their own (they change it
-- with the current one), as they may not with their session.
ALTER TABLE api_keys ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
