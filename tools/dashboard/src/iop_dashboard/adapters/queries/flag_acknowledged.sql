-- Moves an open (or not yet seen) flag to acknowledged; never back from resolved.
INSERT INTO risk_flags (flag_id, patient_id, care_team_id, status, status_rank, acknowledged_at, acknowledged_by)
VALUES ($1, $2, $3, 'acknowledged', 2, $4, $5)
ON CONFLICT (flag_id) DO UPDATE
   SET status = CASE WHEN risk_flags.status_rank < 2 THEN 'acknowledged' ELSE risk_flags.status END,
       status_rank = GREATEST(risk_flags.status_rank, 2),
       acknowledged_at = EXCLUDED.acknowledged_at, acknowledged_by = EXCLUDED.acknowledged_by
 WHERE risk_flags.acknowledged_at IS NULL
RETURNING flag_id
