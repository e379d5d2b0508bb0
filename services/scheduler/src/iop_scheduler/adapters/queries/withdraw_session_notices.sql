-- A newer change supersedes an earlier, unsent notice about the same session ($2: only these patients).
UPDATE reminders SET status = 'cancelled', skip_reason = 'superseded'
WHERE status = 'pending' AND kind = 'notice' AND session_ids @> ARRAY[$1::text]
  AND ($2::text[] IS NULL OR patient_id = ANY ($2::text[]))
