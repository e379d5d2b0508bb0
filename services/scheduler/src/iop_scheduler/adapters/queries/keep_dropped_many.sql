-- keep_dropped for many patients: drops the new plans make again keep their row under the new plan version.
UPDATE reminders SET plan_version = p.plan_version, skip_reason = v.reason
FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, patient, reason)
JOIN patients p ON p.patient_id = v.patient
WHERE reminders.reminder_id = v.id AND reminders.patient_id = v.patient AND reminders.status = 'dropped'
