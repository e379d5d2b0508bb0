-- $5 is the recipient patient's id (NULL for staff): its clinic is where the count shows.
INSERT INTO notification_counts (hour, clinic_id, outcome, channel, reason, n)
VALUES (date_trunc('hour', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
        COALESCE((SELECT clinic_id FROM patients WHERE patient_id = $5), ''), $2, $3, $4, 1)
ON CONFLICT (hour, clinic_id, outcome, channel, reason) DO UPDATE
   SET n = notification_counts.n + 1
RETURNING n
