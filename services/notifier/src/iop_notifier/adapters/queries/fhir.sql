-- name: record_suppression
INSERT INTO suppressions (source_event_id, recipient_kind, recipient_id, reason, channel, at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: fhir_patient_clinic
SELECT clinic_id FROM patients WHERE patient_id = $1;

-- name: fhir_communications
-- What was sent to (or withheld from) one patient: ids, channel, times, states and reason codes, never a body.
SELECT l.notification_id AS id, l.channel, r.purpose, l.state, NULL::text AS reason, l.claimed_at AS at
FROM ledger l JOIN requests r ON r.id = l.request_id
WHERE l.recipient_kind = 'patient' AND l.recipient_id = $1
UNION ALL
SELECT 'sup-' || s.id, s.channel, r.purpose, 'suppressed', s.reason, s.at
FROM suppressions s LEFT JOIN requests r ON r.source_event_id = s.source_event_id AND r.recipient_id = s.recipient_id
WHERE s.recipient_kind = 'patient' AND s.recipient_id = $1
ORDER BY at DESC, id
LIMIT $2;

-- name: fhir_conversations
SELECT conversation_id, kind, state, instrument, answers, opened_at, updated_at
FROM conversations WHERE patient_id = $1 ORDER BY opened_at DESC LIMIT $2;
