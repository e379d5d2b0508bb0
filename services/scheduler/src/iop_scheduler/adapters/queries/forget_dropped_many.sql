-- forget_dropped for many patients: a drop the latest plan no longer makes leaves the plan.
UPDATE reminders AS r SET status = 'cancelled', skip_reason = 'replaced'
FROM patients p
WHERE p.patient_id = ANY ($1::text[]) AND r.patient_id = p.patient_id AND r.status = 'dropped'
  AND r.plan_version < p.plan_version
