-- The organisation's logo, for the heading of its missing policy. Kept as versions (a new
-- upload is a new row), so a published policy's PDF can always be made again as it was.
-- The image is Homeward's own re-encoding of the upload: nothing the original carried is kept.
CREATE TABLE organisation_logos (
    org_id UUID NOT NULL REFERENCES organisations (id),
    version BIGINT NOT NULL,
    png BYTEA NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    uploaded_by_label TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, version)
);

CREATE TRIGGER organisation_logos_no_change BEFORE UPDATE OR DELETE ON organisation_logos
    FOR EACH ROW EXECUTE FUNCTION missing_policy_refuse_change();
