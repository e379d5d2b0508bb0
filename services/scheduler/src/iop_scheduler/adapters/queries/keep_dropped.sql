-- Drops the new plan makes again keep their row (and reason) under the new plan version.
UPDATE reminders SET plan_version = p.plan_version, skip_reason = v.reason
FROM patients p, unnest($2::text[], $3::text[]) AS v(id, reason)
WHERE p.patient_id = $1 AND reminders.patient_id = $1 AND reminders.reminder_id = v.id
  AND reminders.status = 'dropped'
