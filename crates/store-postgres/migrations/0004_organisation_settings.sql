-- An organisation's settings (how old a photo may get, and more to come), one JSON record per
-- version. Append-only: what was in force at any time can always be shown.

CREATE TABLE organisation_settings (
    org_id UUID NOT NULL REFERENCES organisations (id),
    version BIGINT NOT NULL,
    settings TEXT NOT NULL,
    recorded_by_label TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, version)
);

CREATE FUNCTION organisation_settings_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'settings are append-only';
END;
$$;
CREATE TRIGGER organisation_settings_no_change BEFORE UPDATE OR DELETE ON organisation_settings
    FOR EACH ROW EXECUTE FUNCTION organisation_settings_refuse_change();
