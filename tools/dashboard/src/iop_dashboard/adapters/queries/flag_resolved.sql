INSERT INTO risk_flags (flag_id, patient_id, care_team_id, status, status_rank, resolved_at, resolved_by)
VALUES ($1, $2, $3, 'resolved', 3, $4, $5)
ON CONFLICT (flag_id) DO UPDATE
   SET status = 'resolved', status_rank = 3, resolved_at = EXCLUDED.resolved_at, resolved_by = EXCLUDED.resolved_by
 WHERE risk_flags.status_rank < 3
RETURNING flag_id
