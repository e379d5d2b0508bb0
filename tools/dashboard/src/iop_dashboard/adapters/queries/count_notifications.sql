-- count_notification for many notifications at once: summed per count row first, rows locked in key order
-- (concurrent partitions add to the same rows). $5 holds each recipient patient's id (NULL for staff).
INSERT INTO notification_counts (hour, clinic_id, outcome, channel, reason, n)
SELECT date_trunc('hour', t.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', COALESCE(p.clinic_id, ''),
       t.outcome, t.channel, t.reason, count(*)
  FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[])
       AS t(at, outcome, channel, reason, patient_id)
  LEFT JOIN patients p ON p.patient_id = t.patient_id
 GROUP BY 1, 2, 3, 4, 5
 ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (hour, clinic_id, outcome, channel, reason) DO UPDATE
   SET n = notification_counts.n + EXCLUDED.n
