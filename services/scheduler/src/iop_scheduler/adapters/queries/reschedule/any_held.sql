-- Whether any of these clinics holds a slot for a patient (else no session upsert can consume a hold).
SELECT EXISTS (SELECT 1 FROM holds WHERE state = 'held' AND clinic_id = ANY($1::text[]))
