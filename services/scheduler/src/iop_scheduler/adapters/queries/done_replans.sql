DELETE FROM replan_queue WHERE patient_id = ANY ($1::text[])
