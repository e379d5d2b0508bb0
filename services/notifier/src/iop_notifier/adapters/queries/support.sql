-- name: forget_support_persons
DELETE FROM support_persons WHERE patient_id = $1;

-- name: insert_support_person
INSERT INTO support_persons (patient_id, support_id, phone, email, locale, session_kinds, consented)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: patients_with_support
SELECT DISTINCT patient_id FROM support_persons WHERE patient_id = ANY($1::text[]) AND consented;

-- name: consented_support
SELECT support_id FROM support_persons WHERE patient_id = $1 AND consented ORDER BY support_id;

-- name: support_person
SELECT sp.*, COALESCE(ps.opted_out, false) AS sms_opted_out, COALESCE(ps.invalid, false) AS phone_invalid
FROM support_persons sp LEFT JOIN phone_state ps ON ps.phone = sp.phone
WHERE sp.patient_id = $1 AND sp.support_id = $2;

-- name: session_kinds
SELECT session_id, kind, cancelled FROM sessions WHERE session_id = ANY($1::text[]);
