-- Everything the rules need about one patient, in one round trip: profile, visits up to now, recent
-- check-ins and prompts, and the flags that matter for cooldowns (open ones and recent ones).
SELECT
    (SELECT ROW(clinic_id, care_team_id, age_group, timezone) FROM patients WHERE patient_id = $1) AS profile,
    (SELECT array_agg(ROW(session_id, patient_id, program_id, kind, starts_at, ends_at, due_at, expected, status,
                          missed_visit_id, missed_event_id) ORDER BY starts_at, session_id)
       FROM visits WHERE patient_id = $1 AND starts_at >= $2 AND starts_at <= $3) AS visits,
    (SELECT array_agg(ROW(checkin_id, event_id, intent, value, received_at, prompt_reminder_id)
                      ORDER BY received_at, checkin_id)
       FROM checkins WHERE patient_id = $1 AND received_at >= $2) AS checkins,
    (SELECT array_agg(ROW(reminder_id, due_at) ORDER BY due_at, reminder_id)
       FROM prompts WHERE patient_id = $1 AND due_at >= $2) AS prompts,
    (SELECT array_agg(ROW(flag_id, rule, pattern_key, severity, raised_at, status, auto_resolved))
       FROM flags WHERE patient_id = $1 AND (status <> 'resolved' OR raised_at >= $4)) AS flags
