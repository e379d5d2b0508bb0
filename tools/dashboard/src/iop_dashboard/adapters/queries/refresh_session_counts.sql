-- Recount the sessions $1 (their locks held: lock_session_counts) from their attendees, records and misses,
-- with the session's clinic, start and cancellation as applied so far.
INSERT INTO session_counts (session_id, clinic_id, starts_at, cancelled, expected, present, late, left_early, absent,
                            excused, missed)
SELECT t.session_id, s.clinic_id, s.starts_at, COALESCE(s.cancelled, false), count(e.patient_id),
       count(*) FILTER (WHERE a.status = 'present'), count(*) FILTER (WHERE a.status = 'late'),
       count(*) FILTER (WHERE a.status = 'left_early'), count(*) FILTER (WHERE a.status = 'absent'),
       count(*) FILTER (WHERE a.status = 'excused'),
       (SELECT count(*) FROM missed_visits m WHERE m.session_id = t.session_id AND m.retracted_at IS NULL)
  FROM (SELECT DISTINCT session_id FROM unnest($1::text[]) AS u(session_id)) AS t
  LEFT JOIN sessions s ON s.session_id = t.session_id
  LEFT JOIN expected_attendees e ON e.session_id = t.session_id
  LEFT JOIN attendance a ON a.session_id = e.session_id AND a.patient_id = e.patient_id
 GROUP BY t.session_id, s.clinic_id, s.starts_at, s.cancelled
 ORDER BY t.session_id
ON CONFLICT (session_id) DO UPDATE
   SET clinic_id = EXCLUDED.clinic_id, starts_at = EXCLUDED.starts_at, cancelled = EXCLUDED.cancelled,
       expected = EXCLUDED.expected, present = EXCLUDED.present, late = EXCLUDED.late,
       left_early = EXCLUDED.left_early, absent = EXCLUDED.absent, excused = EXCLUDED.excused,
       missed = EXCLUDED.missed
