-- Notification outcomes of the clinics $3 per channel and reason in the hours of [$1, $2).
SELECT outcome, channel, reason, sum(n)::bigint AS count
  FROM notification_counts
 WHERE hour >= date_trunc('hour', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AND hour < $2
   AND clinic_id = ANY($3::text[])
 GROUP BY outcome, channel, reason
