-- Everything the rules need about each patient, in one round trip: profile, visits up to now (as parallel
-- arrays, oldest first: far cheaper to decode than an array of rows), recent check-ins and prompts, and the
-- flags that matter for cooldowns (open ones and recent ones).
-- $1 patient ids, $2 the history window's start, $3 now, $4 the flag window's start.
SELECT
    p.patient_id, x.clinic_id, x.care_team_id, x.age_group, x.timezone,
    v.session_ids, v.program_ids, v.kinds, v.starts, v.ends, v.dues, v.expected, v.statuses, v.missed_visit_ids,
    v.missed_event_ids,
    (SELECT array_agg(ROW(checkin_id, event_id, intent, value, received_at, prompt_reminder_id)
                      ORDER BY received_at, checkin_id)
       FROM checkins c WHERE c.patient_id = p.patient_id AND received_at >= $2) AS checkins,
    (SELECT array_agg(ROW(reminder_id, due_at) ORDER BY due_at, reminder_id)
       FROM prompts r WHERE r.patient_id = p.patient_id AND due_at >= $2) AS prompts,
    (SELECT array_agg(ROW(flag_id, rule, pattern_key, severity, raised_at, status, auto_resolved))
       FROM flags f WHERE f.patient_id = p.patient_id AND (status <> 'resolved' OR raised_at >= $4)) AS flags
  FROM unnest($1::text[]) AS p(patient_id)
  LEFT JOIN patients x ON x.patient_id = p.patient_id
  LEFT JOIN LATERAL (
    SELECT array_agg(session_id ORDER BY starts_at, session_id) AS session_ids,
           array_agg(program_id ORDER BY starts_at, session_id) AS program_ids,
           array_agg(kind ORDER BY starts_at, session_id) AS kinds,
           array_agg(starts_at ORDER BY starts_at, session_id) AS starts,
           array_agg(ends_at ORDER BY starts_at, session_id) AS ends,
           array_agg(due_at ORDER BY starts_at, session_id) AS dues,
           array_agg(expected ORDER BY starts_at, session_id) AS expected,
           array_agg(status ORDER BY starts_at, session_id) AS statuses,
           array_agg(missed_visit_id ORDER BY starts_at, session_id) AS missed_visit_ids,
           array_agg(missed_event_id ORDER BY starts_at, session_id) AS missed_event_ids
      FROM visits
     WHERE visits.patient_id = p.patient_id AND starts_at >= $2 AND starts_at <= $3
  ) AS v ON true
