SELECT patient_id, session_id FROM confirmations WHERE patient_id = ANY ($1::text[])
