UPDATE visits SET expected = false WHERE session_id = $1
