-- Everything the rules need about each patient, in one round trip: profile, visits up to now (as parallel
-- arrays, oldest first: far cheaper to decode than an array of rows), recent check-ins and prompts, and the
-- flags that matter for cooldowns (open ones and recent ones).
-- $1 patient ids, $2 the history window's start, $3 now, $4 the flag window's start; $5..$9 the visits the
-- rules read (domain/window.py): $5 through the $5-th attended visit, $6 the newest $6 concluded visits on,
-- $7 from the newest attended visit on, $8 from the $8-th newest ended week with scheduled hours on (less
-- a margin of 15 days for zone edges), $9 every visit. A visit is attended when its status says so; missed
-- when expected, not excused and a miss was published: concluded is either (model.Visit.outcome).
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
    SELECT (SELECT wk FROM (
              SELECT date_trunc('week', h.starts_at AT TIME ZONE COALESCE(x.timezone, 'UTC')) AS wk
                FROM visits h
               WHERE h.patient_id = p.patient_id AND h.starts_at >= $2
                 AND h.starts_at < date_trunc('week', $3 AT TIME ZONE COALESCE(x.timezone, 'UTC'))
                                   AT TIME ZONE COALESCE(x.timezone, 'UTC')
               GROUP BY 1
              HAVING sum(CASE WHEN h.expected THEN extract(epoch FROM h.ends_at - h.starts_at) ELSE 0 END) > 0
               ORDER BY 1 DESC OFFSET GREATEST($8 - 1, 0) LIMIT 1) AS weeks
            ) AT TIME ZONE COALESCE(x.timezone, 'UTC') - interval '15 days' AS since
     WHERE $8 > 0 AND NOT $9
  ) AS hours ON true
  LEFT JOIN LATERAL (
    SELECT array_agg(session_id ORDER BY pos) AS session_ids,
           array_agg(program_id ORDER BY pos) AS program_ids,
           array_agg(kind ORDER BY pos) AS kinds,
           array_agg(starts_at ORDER BY pos) AS starts,
           array_agg(ends_at ORDER BY pos) AS ends,
           array_agg(due_at ORDER BY pos) AS dues,
           array_agg(expected ORDER BY pos) AS expected,
           array_agg(status ORDER BY pos) AS statuses,
           array_agg(missed_visit_id ORDER BY pos) AS missed_visit_ids,
           array_agg(missed_event_id ORDER BY pos) AS missed_event_ids
      FROM (
        SELECT visits.*, row_number() OVER w AS pos,
               count(*) FILTER (WHERE status IN ('present', 'late', 'left_early')) OVER w AS attended_upto,
               count(*) FILTER (WHERE status IN ('present', 'late', 'left_early')) OVER () AS attended_total,
               count(*) FILTER (WHERE status IN ('present', 'late', 'left_early') OR (expected
                   AND status IS DISTINCT FROM 'excused' AND missed_visit_id IS NOT NULL)) OVER w AS concluded_upto,
               count(*) FILTER (WHERE status IN ('present', 'late', 'left_early') OR (expected
                   AND status IS DISTINCT FROM 'excused' AND missed_visit_id IS NOT NULL)) OVER () AS concluded_total,
               COALESCE(status IN ('present', 'late', 'left_early'), false)::int AS att
          FROM visits
         WHERE visits.patient_id = p.patient_id AND starts_at >= $2 AND starts_at <= $3
        WINDOW w AS (ORDER BY starts_at, session_id)
      ) AS k
     WHERE $9
        OR ($5 > 0 AND attended_upto - att < $5)  -- attended before this visit
        OR ($6 > 0 AND concluded_total - concluded_upto < $6)  -- concluded after this visit
        OR ($7 AND attended_total = attended_upto)  -- none attended after this visit
        OR starts_at >= hours.since
  ) AS v ON true
