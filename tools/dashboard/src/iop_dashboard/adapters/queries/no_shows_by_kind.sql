-- Missed visits (not retracted) of the clinics $3 detected in [$1, $2), by the kind of their session.
-- From the clinics' patients to their misses (one index range each): a clinic is a small part of the network.
SELECT COALESCE(s.kind, 'unknown') AS kind, count(*) AS count
  FROM patients p
 CROSS JOIN LATERAL (
        SELECT m.session_id FROM missed_visits m
         WHERE m.patient_id = p.patient_id AND m.retracted_at IS NULL AND m.detected_at >= $1 AND m.detected_at < $2
        OFFSET 0  -- kept a per-patient index scan: never flattened into a scan of every clinic's misses
       ) AS m
  LEFT JOIN sessions s ON s.session_id = m.session_id
 WHERE p.clinic_id = ANY($3::text[])
 GROUP BY 1
