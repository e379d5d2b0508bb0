-- name: record_page
INSERT INTO alert_pages (flag_id, member_id, care_team_id, phone, code, paged_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (flag_id, member_id) DO NOTHING;

-- name: pages_of_phone
-- The alerts this number was paged for and that are still open or were acknowledged by text, newest first;
-- with the clinic of the paged team (the acknowledgement speaks for it) and of the alert.
SELECT p.flag_id, p.member_id, p.care_team_id, p.code, a.kind, a.patient_id, a.risk_flag_id, a.acknowledged_at,
       a.resolved_at, t.clinic_id AS team_clinic_id, a.clinic_id AS alert_clinic_id
FROM alert_pages p JOIN alerts a USING (flag_id) LEFT JOIN care_teams t ON t.care_team_id = p.care_team_id
WHERE p.phone = $1 AND a.resolved_at IS NULL AND p.paged_at > $2
ORDER BY p.paged_at DESC, p.flag_id
LIMIT 50;

-- name: acknowledge_alert
UPDATE alerts SET acknowledged_at = $2, next_escalation_at = NULL
WHERE flag_id = $1 AND acknowledged_at IS NULL AND resolved_at IS NULL
RETURNING flag_id;
