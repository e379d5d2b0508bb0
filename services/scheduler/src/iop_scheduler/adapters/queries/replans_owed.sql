-- Whether at least $1 patients owe a replan (counts no further than that).
SELECT count(*) >= $1 FROM (SELECT 1 FROM replan_queue LIMIT $1) AS owed
