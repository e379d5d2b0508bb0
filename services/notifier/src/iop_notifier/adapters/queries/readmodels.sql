-- Owning clinics never change (the use cases refuse another clinic's write; 0009_tenancy.sql is the backstop).
-- name: upsert_clinic
INSERT INTO clinics (clinic_id, public_name, callback_phone, timezone, default_locale, quiet_start, quiet_end, revision)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (clinic_id) DO UPDATE SET
    public_name = EXCLUDED.public_name, callback_phone = EXCLUDED.callback_phone, timezone = EXCLUDED.timezone,
    default_locale = EXCLUDED.default_locale, quiet_start = EXCLUDED.quiet_start, quiet_end = EXCLUDED.quiet_end,
    revision = EXCLUDED.revision
WHERE clinics.revision < EXCLUDED.revision;

-- name: owner_of_patient
SELECT clinic_id FROM patients WHERE patient_id = $1 FOR UPDATE;

-- name: owner_of_care_team
SELECT clinic_id FROM care_teams WHERE care_team_id = $1 FOR UPDATE;

-- name: owner_of_session
SELECT clinic_id FROM sessions WHERE session_id = $1 FOR UPDATE;

-- name: upsert_patient
INSERT INTO patients (patient_id, clinic_id, phone, email, timezone, locale, channels, consent_sms, consent_email,
                      care_team_id, discharged_at, revision)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (patient_id) DO UPDATE SET
    phone = EXCLUDED.phone, email = EXCLUDED.email, timezone = EXCLUDED.timezone,
    locale = EXCLUDED.locale, channels = EXCLUDED.channels, consent_sms = EXCLUDED.consent_sms,
    consent_email = EXCLUDED.consent_email, care_team_id = EXCLUDED.care_team_id,
    discharged_at = EXCLUDED.discharged_at, revision = EXCLUDED.revision
WHERE patients.revision < EXCLUDED.revision AND patients.clinic_id = EXCLUDED.clinic_id;

-- name: upsert_care_team
INSERT INTO care_teams (care_team_id, clinic_id, members, revision) VALUES ($1, $2, $3::jsonb, $4)
ON CONFLICT (care_team_id) DO UPDATE SET
    members = EXCLUDED.members, revision = EXCLUDED.revision
WHERE care_teams.revision < EXCLUDED.revision AND care_teams.clinic_id = EXCLUDED.clinic_id;

-- name: upsert_session
INSERT INTO sessions (session_id, clinic_id, starts_at, place_label, telehealth, revision, join_url, kind)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (session_id) DO UPDATE SET
    starts_at = EXCLUDED.starts_at, place_label = EXCLUDED.place_label,
    telehealth = EXCLUDED.telehealth, cancelled = false, revision = EXCLUDED.revision, join_url = EXCLUDED.join_url,
    kind = EXCLUDED.kind
WHERE sessions.revision < EXCLUDED.revision AND sessions.clinic_id = EXCLUDED.clinic_id;

-- name: cancel_session
UPDATE sessions SET cancelled = true, revision = $2 WHERE session_id = $1 AND revision < $2 AND clinic_id = $3;

-- name: patient
SELECT p.*, COALESCE(s.opted_out, false) AS sms_opted_out, COALESCE(s.invalid, false) AS phone_invalid
FROM patients p LEFT JOIN phone_state s ON s.phone = p.phone
WHERE p.patient_id = $1;

-- name: patients_by_phone
SELECT p.*, COALESCE(s.opted_out, false) AS sms_opted_out, COALESCE(s.invalid, false) AS phone_invalid
FROM patients p LEFT JOIN phone_state s ON s.phone = p.phone
WHERE p.phone = $1
ORDER BY p.discharged_at IS NOT NULL, p.revision DESC;

-- name: clinic
SELECT * FROM clinics WHERE clinic_id = $1;

-- name: care_team
SELECT * FROM care_teams WHERE care_team_id = $1;

-- name: sessions
SELECT * FROM sessions WHERE session_id = ANY($1::text[]);

-- name: set_phone_state
INSERT INTO phone_state (phone, opted_out, invalid, updated_at)
VALUES ($1, COALESCE($2, false), COALESCE($3, false), $4)
ON CONFLICT (phone) DO UPDATE SET
    opted_out = COALESCE($2, phone_state.opted_out), invalid = COALESCE($3, phone_state.invalid), updated_at = $4;
