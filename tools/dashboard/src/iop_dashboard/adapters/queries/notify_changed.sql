-- Delivered to every dashboard replica's listener when the transaction commits.
SELECT pg_notify($1, '')
