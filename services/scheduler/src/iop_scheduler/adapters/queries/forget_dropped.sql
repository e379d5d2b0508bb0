-- A drop the latest plan no longer makes (its session moved, the policy changed) leaves the plan.
UPDATE reminders AS r SET status = 'cancelled', skip_reason = 'replaced'
FROM patients p
WHERE p.patient_id = $1 AND r.patient_id = $1 AND r.status = 'dropped' AND r.plan_version < p.plan_version
