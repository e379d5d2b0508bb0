SELECT (SELECT coalesce(max(id), 0) FROM outbox) AS outbox, (SELECT coalesce(max(seq), 0) FROM attendance_records) AS records
