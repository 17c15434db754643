-- The person a key was made for: the one who created it, or who created
-- the key that created it (empty for keys the system made). A person may
-- not reset their own password with a key of their own (they change it
-- with the current one), as they may not with their session.
ALTER TABLE api_keys ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
-- Keys made before this column: the audit log says who made them.
UPDATE api_keys SET created_by = (SELECT a.actor_id FROM audit_events a WHERE a.action = 'api_key.created'
  AND a.target_id = api_keys.id AND a.merchant_id = api_keys.merchant_id AND a.actor_id LIKE 'usr_%' ORDER BY a.id LIMIT 1)
WHERE created_by = '' AND EXISTS (SELECT 1 FROM audit_events a WHERE a.action = 'api_key.created'
  AND a.target_id = api_keys.id AND a.merchant_id = api_keys.merchant_id AND a.actor_id LIKE 'usr_%');
-- Then keys made by those keys, and the keys rolled from them (three
-- generations: older chains stay empty, and so act for nobody).
UPDATE api_keys SET created_by = (SELECT p.created_by FROM audit_events a JOIN api_keys p ON p.id = a.actor_id
  WHERE a.action = 'api_key.created' AND a.target_id = api_keys.id AND p.created_by <> '' ORDER BY a.id LIMIT 1)
WHERE created_by = '' AND EXISTS (SELECT 1 FROM audit_events a JOIN api_keys p ON p.id = a.actor_id
  WHERE a.action = 'api_key.created' AND a.target_id = api_keys.id AND p.created_by <> '');
UPDATE api_keys SET created_by = (SELECT p.created_by FROM audit_events a JOIN api_keys p ON p.id = a.target_id
  WHERE a.action = 'api_key.rolled' AND a.details LIKE '%"new_key":"' || api_keys.id || '"%' AND p.created_by <> '' ORDER BY a.id LIMIT 1)
WHERE created_by = '' AND EXISTS (SELECT 1 FROM audit_events a JOIN api_keys p ON p.id = a.target_id
  WHERE a.action = 'api_key.rolled' AND a.details LIKE '%"new_key":"' || api_keys.id || '"%' AND p.created_by <> '');
UPDATE api_keys SET created_by = (SELECT p.created_by FROM audit_events a JOIN api_keys p ON p.id = a.actor_id
  WHERE a.action = 'api_key.created' AND a.target_id = api_keys.id AND p.created_by <> '' ORDER BY a.id LIMIT 1)
WHERE created_by = '' AND EXISTS (SELECT 1 FROM audit_events a JOIN api_keys p ON p.id = a.actor_id
  WHERE a.action = 'api_key.created' AND a.target_id = api_keys.id AND p.created_by <> '');
