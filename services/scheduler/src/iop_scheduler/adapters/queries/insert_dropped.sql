-- A planned reminder that will not be sent stays in the plan with its reason ($9). Returns only the ids that
-- are newly dropped (new, or pending/withdrawn until now): one still dropped from an earlier replan is not
-- reported again.
INSERT INTO reminders (reminder_id, patient_id, clinic_id, purpose, kind, session_ids, due_at, expires_at,
                       urgent, plan_version, status, skip_reason)
SELECT v.id, v.patient, v.clinic, v.purpose, 'cadence', string_to_array(v.sessions, ','), v.due, v.expires,
       false, (SELECT plan_version FROM patients WHERE patient_id = v.patient), 'dropped', v.reason
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
            $7::timestamptz[], $8::text[]) AS v(id, patient, clinic, purpose, sessions, due, expires, reason)
ON CONFLICT (reminder_id) DO UPDATE
    SET session_ids = EXCLUDED.session_ids, due_at = EXCLUDED.due_at, expires_at = EXCLUDED.expires_at,
        plan_version = EXCLUDED.plan_version, status = 'dropped', skip_reason = EXCLUDED.skip_reason
    WHERE reminders.status IN ('pending', 'cancelled')
RETURNING reminder_id
