SELECT min(due_at) FROM visits
 WHERE expected AND missed_visit_id IS NULL AND (status IS NULL OR status = 'absent')
