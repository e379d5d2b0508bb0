SELECT min(due_at) FROM reminders WHERE status = 'pending'
