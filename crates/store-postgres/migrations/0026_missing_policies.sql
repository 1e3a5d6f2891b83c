-- The organisation's missing policy: one per kind of service, its local details in versions,
-- each published version's words as staff read them, and who signed which. Append-only, like
-- settings: what staff were asked to read on a day, and what they signed, can always be shown.
CREATE TABLE missing_policies (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, kind)
);

CREATE TABLE missing_policy_details (
    policy_id UUID NOT NULL REFERENCES missing_policies (id),
    version BIGINT NOT NULL,
    details TEXT NOT NULL,
    recorded_by_label TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (policy_id, version)
);

CREATE TABLE missing_policy_versions (
    policy_id UUID NOT NULL REFERENCES missing_policies (id),
    version BIGINT NOT NULL,
    text_en TEXT NOT NULL,
    text_cy TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    material BOOLEAN NOT NULL,
    change_note TEXT NOT NULL,
    approved_by UUID NOT NULL REFERENCES users (id),
    approved_by_label TEXT NOT NULL,
    approved_at BIGINT NOT NULL,
    review_by TEXT NOT NULL,
    PRIMARY KEY (policy_id, version)
);

CREATE TABLE missing_policy_signatures (
    policy_id UUID NOT NULL,
    version BIGINT NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    signed_at BIGINT NOT NULL,
    PRIMARY KEY (policy_id, version, user_id),
    FOREIGN KEY (policy_id, version) REFERENCES missing_policy_versions (policy_id, version)
);

CREATE FUNCTION missing_policy_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'missing policies are append-only';
END;
$$;
CREATE TRIGGER missing_policies_no_change BEFORE UPDATE OR DELETE ON missing_policies
    FOR EACH ROW EXECUTE FUNCTION missing_policy_refuse_change();
CREATE TRIGGER missing_policy_details_no_change BEFORE UPDATE OR DELETE ON missing_policy_details
    FOR EACH ROW EXECUTE FUNCTION missing_policy_refuse_change();
CREATE TRIGGER missing_policy_versions_no_change BEFORE UPDATE OR DELETE ON missing_policy_versions
    FOR EACH ROW EXECUTE FUNCTION missing_policy_refuse_change();
CREATE TRIGGER missing_policy_signatures_no_change BEFORE UPDATE OR DELETE ON missing_policy_signatures
    FOR EACH ROW EXECUTE FUNCTION missing_policy_refuse_change();
