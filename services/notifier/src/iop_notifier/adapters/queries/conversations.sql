-- name: set_detailed_consent
UPDATE patients SET detailed_checkins_at = $2, detailed_checkins_method = $3 WHERE patient_id = $1 AND revision = $4;

-- name: detailed_consent
SELECT detailed_checkins_at IS NOT NULL AND discharged_at IS NULL FROM patients WHERE patient_id = $1;

-- name: lock_conversations
-- One patient's conversation steps run one at a time on every replica (held until the transaction ends).
SELECT pg_advisory_xact_lock(hashtextextended('conversation:' || $1, 0));

-- name: insert_conversation
INSERT INTO conversations (conversation_id, patient_id, clinic_id, kind, state, instrument, prompt_reminder_id,
                           opened_at, expires_at, updated_at)
VALUES ($1, $2, $3, $4, 'offered', $4, $5, $6, $7, $6)
ON CONFLICT DO NOTHING
RETURNING conversation_id;

-- name: open_conversation
SELECT * FROM conversations WHERE patient_id = $1 AND state IN ('offered', 'asking') FOR UPDATE;

-- name: save_conversation
UPDATE conversations
SET state = $2, instrument = $3, item_index = $4, reasked = $5, answers = $6::jsonb, step = $7, updated_at = $8,
    closed_at = CASE WHEN $2 IN ('offered', 'asking') THEN NULL ELSE $8::timestamptz END
WHERE conversation_id = $1;

-- name: expired_conversations
SELECT patient_id FROM conversations WHERE state IN ('offered', 'asking') AND expires_at <= $1
ORDER BY expires_at LIMIT $2;
