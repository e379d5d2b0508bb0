-- insert_reminders with a plan version per row (many patients' plans in one statement).
INSERT INTO reminders (reminder_id, patient_id, clinic_id, purpose, kind, session_ids, due_at, expires_at,
                       urgent, plan_version)
SELECT v.id, v.patient, v.clinic, v.purpose, v.kind, string_to_array(v.sessions, ','), v.due, v.expires,
       v.urgent, v.version
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
            $8::timestamptz[], $9::bool[], $10::int[])
     AS v(id, patient, clinic, purpose, kind, sessions, due, expires, urgent, version)
ON CONFLICT (reminder_id) DO UPDATE
    SET session_ids = EXCLUDED.session_ids, due_at = EXCLUDED.due_at, expires_at = EXCLUDED.expires_at,
        urgent = EXCLUDED.urgent, plan_version = EXCLUDED.plan_version, status = 'pending', skip_reason = NULL
    WHERE reminders.status IN ('pending', 'cancelled', 'dropped')
RETURNING reminder_id
