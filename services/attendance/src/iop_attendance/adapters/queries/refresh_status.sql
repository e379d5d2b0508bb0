-- The record that counts is the latest by recorded_at; at equal times a positive record wins.
UPDATE visits AS v SET status = r.status
  FROM (SELECT DISTINCT ON (patient_id) patient_id, status
          FROM attendance_records
         WHERE session_id = $1 AND ($2::text IS NULL OR patient_id = $2)
         ORDER BY patient_id, recorded_at DESC, (status IN ('present', 'late', 'left_early', 'excused')) DESC
       ) AS r
 WHERE v.session_id = $1 AND v.patient_id = r.patient_id AND v.status IS DISTINCT FROM r.status
