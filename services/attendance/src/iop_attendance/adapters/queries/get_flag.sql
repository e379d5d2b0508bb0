SELECT flag_id, patient_id, clinic_id, care_team_id, rule, severity, rule_set_version, reasons, evidence,
       raised_at, status, acknowledged_by, acknowledged_note, acknowledged_at, resolved_by, resolved_note,
       resolved_at, auto_resolved
  FROM flags WHERE flag_id = $1
 FOR UPDATE
