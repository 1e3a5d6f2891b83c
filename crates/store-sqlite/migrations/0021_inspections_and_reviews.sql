-- An inspectorate let in to read a provider's records, for one home (service_id) or all of
-- them, until a time. Kept as given, never changed: ending one early is a record of its own.
CREATE TABLE inspections (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    inspectorate_id BLOB NOT NULL REFERENCES organisations (id),
    service_id BLOB REFERENCES services (id),
    reference TEXT NOT NULL,
    granted_by BLOB,
    granted_by_label TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL
) STRICT;
CREATE INDEX inspections_by_provider ON inspections (org_id, granted_at);
CREATE INDEX inspections_by_inspectorate ON inspections (inspectorate_id, ends_at);

CREATE TABLE inspection_endings (
    inspection_id BLOB PRIMARY KEY REFERENCES inspections (id),
    ended_at INTEGER NOT NULL,
    ended_by BLOB,
    ended_by_label TEXT NOT NULL,
    reason TEXT NOT NULL
) STRICT;

-- The inspection a session is reading under, if any: checked again on every request.
ALTER TABLE sessions ADD COLUMN inspection_id BLOB REFERENCES inspections (id);

-- A manager's review of an emergency access (break-glass): was it justified, and what follows.
CREATE TABLE access_grant_reviews (
    grant_id BLOB PRIMARY KEY REFERENCES access_grants (id),
    reviewed_at INTEGER NOT NULL,
    reviewed_by BLOB,
    reviewed_by_label TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('justified', 'not_justified')),
    notes TEXT NOT NULL
) STRICT;

CREATE TRIGGER inspections_no_update BEFORE UPDATE ON inspections
BEGIN
    SELECT RAISE(ABORT, 'inspections are never changed');
END;
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
BEGIN
    SELECT RAISE(ABORT, 'inspections are never removed');
END;
CREATE TRIGGER inspection_endings_no_update BEFORE UPDATE ON inspection_endings
BEGIN
    SELECT RAISE(ABORT, 'inspections are never changed');
END;
CREATE TRIGGER inspection_endings_no_delete BEFORE DELETE ON inspection_endings
BEGIN
    SELECT RAISE(ABORT, 'inspections are never removed');
END;
CREATE TRIGGER access_grant_reviews_no_update BEFORE UPDATE ON access_grant_reviews
BEGIN
    SELECT RAISE(ABORT, 'reviews are never changed');
END;
CREATE TRIGGER access_grant_reviews_no_delete BEFORE DELETE ON access_grant_reviews
BEGIN
    SELECT RAISE(ABORT, 'reviews are never removed');
END;

-- What one person did, for the provider's list of what an inspector looked at.
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, seq);

-- Grants for an episode still running, for the worker's sweep that ends them a day after the
-- episode closes.
CREATE INDEX access_grants_episode_running ON access_grants (ends_at) WHERE episode_id IS NOT NULL;
