-- Tenancy: an entity's owning clinic is fixed when it is first written; the use cases refuse another clinic's
-- write, and these triggers are the backstop that makes an ownership change impossible whatever the code does.
CREATE FUNCTION keep_owning_clinic() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'tenant_mismatch: clinic_id of % is fixed', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END
$$;

CREATE TRIGGER patients_keep_clinic BEFORE UPDATE OF clinic_id ON patients FOR EACH ROW
    WHEN (NEW.clinic_id IS DISTINCT FROM OLD.clinic_id)
    EXECUTE FUNCTION keep_owning_clinic();

CREATE TRIGGER care_teams_keep_clinic BEFORE UPDATE OF clinic_id ON care_teams FOR EACH ROW
    WHEN (NEW.clinic_id IS DISTINCT FROM OLD.clinic_id)
    EXECUTE FUNCTION keep_owning_clinic();

CREATE TRIGGER sessions_keep_clinic BEFORE UPDATE OF clinic_id ON sessions FOR EACH ROW
    WHEN (NEW.clinic_id IS DISTINCT FROM OLD.clinic_id)
    EXECUTE FUNCTION keep_owning_clinic();
