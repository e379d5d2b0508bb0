-- Rows another dispatcher holds are skipped, not waited for; a replan that locked them first wins.
SELECT r.reminder_id, r.kind, r.purpose, r.due_at, r.expires_at, r.plan_version,
       p.plan_version AS current_plan_version,
       p.discharged_at IS NOT NULL AS discharged,
       EXISTS (SELECT 1 FROM sessions s WHERE s.session_id = ANY (r.session_ids) AND s.cancelled)
           AS sessions_cancelled
FROM reminders r JOIN patients p ON p.patient_id = r.patient_id
WHERE r.status = 'pending' AND r.due_at <= $1
ORDER BY r.due_at
LIMIT $2
FOR UPDATE OF r SKIP LOCKED
