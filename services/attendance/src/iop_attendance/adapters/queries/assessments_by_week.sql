SELECT date_trunc('week', completed_at AT TIME ZONE $4) AS week, instrument,
       count(*) FILTER (WHERE status = 'completed') AS completed, count(*) AS offered,
       max(total) FILTER (WHERE status = 'completed') AS max_total,
       (array_agg(total ORDER BY completed_at DESC) FILTER (WHERE status = 'completed'))[1] AS last_total,
       bool_or(item9_positive) AS item9_positive
FROM assessments
WHERE patient_id = $1 AND completed_at >= $2 AND completed_at < $3
GROUP BY 1, 2
ORDER BY 1, 2
