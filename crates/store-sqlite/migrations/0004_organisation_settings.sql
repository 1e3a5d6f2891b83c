-- An organisation's settings (how old a photo may get, and more to come), one JSON record per
-- version. Append-only: what was in force at any time can always be shown.

CREATE TABLE organisation_settings (
    org_id BLOB NOT NULL REFERENCES organisations (id),
    version INTEGER NOT NULL,
    settings TEXT NOT NULL,
    recorded_by_label TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, version)
) STRICT;

CREATE TRIGGER organisation_settings_no_update BEFORE UPDATE ON organisation_settings
BEGIN
    SELECT RAISE(ABORT, 'settings are append-only');
END;
CREATE TRIGGER organisation_settings_no_delete BEFORE DELETE ON organisation_settings
BEGIN
    SELECT RAISE(ABORT, 'settings are append-only');
END;
