-- The organisation's logo, for the heading of its missing policy. Kept as versions (a new
-- upload is a new row), so a published policy's PDF can always be made again as it was.
-- The image is Homeward's own re-encoding of the upload: nothing the original carried is kept.
CREATE TABLE organisation_logos (
    org_id BLOB NOT NULL REFERENCES organisations (id),
    version INTEGER NOT NULL,
    png BLOB NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    uploaded_by_label TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, version)
) STRICT;

CREATE TRIGGER organisation_logos_no_change BEFORE UPDATE ON organisation_logos
BEGIN SELECT RAISE(ABORT, 'logos are append-only'); END;
CREATE TRIGGER organisation_logos_no_delete BEFORE DELETE ON organisation_logos
BEGIN SELECT RAISE(ABORT, 'logos are append-only'); END;
