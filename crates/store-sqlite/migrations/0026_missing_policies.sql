-- The organisation's missing policy: one per kind of service, its local details in versions,
-- each published version's words as staff read them, and who signed which. Append-only, like
-- settings: what staff were asked to read on a day, and what they signed, can always be shown.
CREATE TABLE missing_policies (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, kind)
) STRICT;

CREATE TABLE missing_policy_details (
    policy_id BLOB NOT NULL REFERENCES missing_policies (id),
    version INTEGER NOT NULL,
    details TEXT NOT NULL,
    recorded_by_label TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version)
) STRICT;

CREATE TABLE missing_policy_versions (
    policy_id BLOB NOT NULL REFERENCES missing_policies (id),
    version INTEGER NOT NULL,
    text_en TEXT NOT NULL,
    text_cy TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    material INTEGER NOT NULL,
    change_note TEXT NOT NULL,
    approved_by BLOB NOT NULL REFERENCES users (id),
    approved_by_label TEXT NOT NULL,
    approved_at INTEGER NOT NULL,
    review_by TEXT NOT NULL,
    PRIMARY KEY (policy_id, version)
) STRICT;

CREATE TABLE missing_policy_signatures (
    policy_id BLOB NOT NULL,
    version INTEGER NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    signed_at INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version, user_id),
    FOREIGN KEY (policy_id, version) REFERENCES missing_policy_versions (policy_id, version)
) STRICT;

CREATE TRIGGER missing_policies_no_change BEFORE UPDATE ON missing_policies
BEGIN SELECT RAISE(ABORT, 'policies are append-only'); END;
CREATE TRIGGER missing_policies_no_delete BEFORE DELETE ON missing_policies
BEGIN SELECT RAISE(ABORT, 'policies are append-only'); END;
CREATE TRIGGER missing_policy_details_no_change BEFORE UPDATE ON missing_policy_details
BEGIN SELECT RAISE(ABORT, 'policy details are append-only'); END;
CREATE TRIGGER missing_policy_details_no_delete BEFORE DELETE ON missing_policy_details
BEGIN SELECT RAISE(ABORT, 'policy details are append-only'); END;
CREATE TRIGGER missing_policy_versions_no_change BEFORE UPDATE ON missing_policy_versions
BEGIN SELECT RAISE(ABORT, 'published policies are append-only'); END;
CREATE TRIGGER missing_policy_versions_no_delete BEFORE DELETE ON missing_policy_versions
BEGIN SELECT RAISE(ABORT, 'published policies are append-only'); END;
CREATE TRIGGER missing_policy_signatures_no_change BEFORE UPDATE ON missing_policy_signatures
BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
CREATE TRIGGER missing_policy_signatures_no_delete BEFORE DELETE ON missing_policy_signatures
BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
