-- Keys made before created_by existed: the audit log says who made each
-- (api_key.created: actor, target) and which key each roll made
-- (api_key.rolled: target, details.new_key). A key acts for the person at
-- the start of its chain, however long; keys no person started keep ''.
WITH RECURSIVE edges(parent, child) AS (
  SELECT a.actor_id, a.target_id FROM audit_events a WHERE a.action = 'api_key.created'
  UNION ALL
  SELECT a.target_id, k.id FROM audit_events a JOIN api_keys k
    ON a.merchant_id = k.merchant_id AND a.details LIKE '%"new_key":"' || k.id || '"%'
    WHERE a.action = 'api_key.rolled'
), origin(id, person) AS (
  SELECT child, parent FROM edges WHERE parent LIKE 'usr_%'
  UNION
  SELECT e.child, o.person FROM edges e JOIN origin o ON e.parent = o.id
)
UPDATE api_keys SET created_by = (SELECT MIN(o.person) FROM origin o WHERE o.id = api_keys.id)
WHERE created_by = '' AND EXISTS (SELECT 1 FROM origin o WHERE o.id = api_keys.id);
