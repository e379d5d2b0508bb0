SELECT session_id FROM confirmations WHERE patient_id = $1
