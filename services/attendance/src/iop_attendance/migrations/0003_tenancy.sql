-- Tenancy: an entity's owning clinic is fixed when it is first set; the handlers refuse a write from another
-- clinic, and this trigger is the backstop that makes an ownership change impossible whatever the code does.
CREATE FUNCTION keep_owning_clinic() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'tenant_mismatch: clinic_id of % is fixed', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END
$$;

CREATE TRIGGER patients_keep_clinic BEFORE UPDATE OF clinic_id ON patients FOR EACH ROW
    WHEN (NEW.clinic_id IS DISTINCT FROM OLD.clinic_id)
    EXECUTE FUNCTION keep_owning_clinic();

CREATE TRIGGER sessions_keep_clinic BEFORE UPDATE OF clinic_id ON sessions FOR EACH ROW
    WHEN (OLD.clinic_id IS NOT NULL AND NEW.clinic_id IS DISTINCT FROM OLD.clinic_id)
    EXECUTE FUNCTION keep_owning_clinic();
