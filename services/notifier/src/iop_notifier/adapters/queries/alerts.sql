-- name: insert_alert
INSERT INTO alerts (flag_id, kind, patient_id, clinic_id, care_team_id, severity, rule, checkin_event_id, message_id,
                    raised_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (flag_id) DO NOTHING
RETURNING flag_id;

-- name: alert_paged
UPDATE alerts SET roster_id = $2, roster_fallback = $3, level = $4, next_escalation_at = $5, paged = paged OR $6
WHERE flag_id = $1;

-- name: adopt_alert
UPDATE alerts SET risk_flag_id = $1
WHERE kind = 'crisis' AND patient_id = $2 AND checkin_event_id = ANY($3::text[]) AND risk_flag_id IS NULL
RETURNING flag_id;

-- name: close_alert
UPDATE alerts SET acknowledged_at = COALESCE(acknowledged_at, $2), next_escalation_at = NULL,
                  resolved_at = CASE WHEN $3 THEN $2 ELSE resolved_at END
WHERE flag_id = $1 OR risk_flag_id = $1;

-- name: due_escalations
SELECT * FROM alerts
WHERE acknowledged_at IS NULL AND resolved_at IS NULL AND opened_at IS NULL AND next_escalation_at <= $1
  AND roster_id IS NOT NULL
ORDER BY next_escalation_at
LIMIT 100
FOR UPDATE SKIP LOCKED;

-- name: escalated
UPDATE alerts SET level = $2, next_escalation_at = $3 WHERE flag_id = $1;

-- name: alerts_waiting_for_team
SELECT * FROM alerts
WHERE care_team_id = $1 AND roster_id IS DISTINCT FROM care_team_id
  AND acknowledged_at IS NULL AND resolved_at IS NULL AND opened_at IS NULL
FOR UPDATE SKIP LOCKED;

-- name: clinic_teams
SELECT care_team_id FROM care_teams WHERE clinic_id = $1 ORDER BY care_team_id;

-- name: concerns
SELECT flag_id AS concern_id, patient_id, clinic_id, care_team_id, raised_at AS received_at, paged, opened_at,
       opened_by
FROM alerts
WHERE kind = 'concern' AND clinic_id = $1 AND ($2 OR opened_at IS NULL)
ORDER BY raised_at, flag_id
LIMIT 1000;

-- name: open_concern
UPDATE alerts SET opened_at = COALESCE(opened_at, $3), opened_by = COALESCE(opened_by, $4), next_escalation_at = NULL
WHERE flag_id = $1 AND kind = 'concern' AND clinic_id = $2
RETURNING flag_id AS concern_id, patient_id, clinic_id, raised_at AS received_at, opened_at, opened_by, message_id;
