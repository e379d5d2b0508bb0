-- Serialise rule evaluation per patient until the transaction ends. The caller passes the ids sorted, and
-- every transaction takes these locks in that order, so two of them never wait on each other in a cycle.
SELECT count(pg_advisory_xact_lock(hashtext('risk:' || p))) FROM unnest($1::text[]) AS p
