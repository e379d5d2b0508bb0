INSERT INTO notification_counts (hour, outcome, channel, reason, n)
VALUES (date_trunc('hour', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', $2, $3, $4, 1)
ON CONFLICT (hour, outcome, channel, reason) DO UPDATE
   SET n = notification_counts.n + 1
RETURNING n
