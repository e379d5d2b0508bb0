-- Visit and risk events this service produced after a cursor (all replicas write the same outbox).
SELECT o.id, o.headers->>'ce_type' AS ce_type, convert_from(o.value, 'UTF8') AS data
  FROM outbox o
 WHERE o.id > $1
   AND (o.headers->>'ce_type' LIKE 'iop.visit.%' OR o.headers->>'ce_type' LIKE 'iop.risk.%')
   AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM patients p
                                     WHERE p.patient_id = convert_from(o.key, 'UTF8') AND p.clinic_id = $2))
 ORDER BY o.id
 LIMIT $3
