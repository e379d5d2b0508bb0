-- Open (and acknowledged) flags, newest first, with keyset pagination on (raised_at, flag_id).
SELECT flag_id, patient_id, clinic_id, care_team_id, rule, severity, rule_set_version, reasons, evidence,
       raised_at, status, acknowledged_by, acknowledged_note, acknowledged_at, resolved_by, resolved_note,
       resolved_at, auto_resolved
  FROM flags
 WHERE status <> 'resolved'
   AND ($1::text IS NULL OR care_team_id = $1)
   AND ($2::text[] IS NULL OR severity = ANY($2::text[]))
   AND ($3::text IS NULL OR clinic_id = $3)
   AND ($4::timestamptz IS NULL OR (raised_at, flag_id) < ($4, $5::text))
 ORDER BY raised_at DESC, flag_id DESC
 LIMIT $6
