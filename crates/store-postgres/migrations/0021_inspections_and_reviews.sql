-- An inspectorate let in to read a provider's records, for one home (service_id) or all of
-- them, until a time. Kept as given, never changed: ending one early is a record of its own.
CREATE TABLE inspections (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    inspectorate_id UUID NOT NULL REFERENCES organisations (id),
    service_id UUID REFERENCES services (id),
    reference TEXT NOT NULL,
    granted_by UUID,
    granted_by_label TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL
);
CREATE INDEX inspections_by_provider ON inspections (org_id, granted_at);
CREATE INDEX inspections_by_inspectorate ON inspections (inspectorate_id, ends_at);

CREATE TABLE inspection_endings (
    inspection_id UUID PRIMARY KEY REFERENCES inspections (id),
    ended_at BIGINT NOT NULL,
    ended_by UUID,
    ended_by_label TEXT NOT NULL,
    reason TEXT NOT NULL
);

-- The inspection a session is reading under, if any: checked again on every request.
ALTER TABLE sessions ADD COLUMN inspection_id UUID REFERENCES inspections (id);

-- A manager's review of an emergency access (break-glass): was it justified, and what follows.
CREATE TABLE access_grant_reviews (
    grant_id UUID PRIMARY KEY REFERENCES access_grants (id),
    reviewed_at BIGINT NOT NULL,
    reviewed_by UUID,
    reviewed_by_label TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('justified', 'not_justified')),
    notes TEXT NOT NULL
);

CREATE TRIGGER inspections_no_change BEFORE UPDATE OR DELETE ON inspections
    FOR EACH ROW EXECUTE FUNCTION access_grants_refuse_change();
CREATE TRIGGER inspections_no_truncate BEFORE TRUNCATE ON inspections
    FOR EACH STATEMENT EXECUTE FUNCTION access_grants_refuse_change();
CREATE TRIGGER inspection_endings_no_change BEFORE UPDATE OR DELETE ON inspection_endings
    FOR EACH ROW EXECUTE FUNCTION access_grants_refuse_change();
CREATE TRIGGER access_grant_reviews_no_change BEFORE UPDATE OR DELETE ON access_grant_reviews
    FOR EACH ROW EXECUTE FUNCTION access_grants_refuse_change();

-- What one person did, for the provider's list of what an inspector looked at.
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, seq);

-- Grants for an episode still running, for the worker's sweep that ends them a day after the
-- episode closes.
CREATE INDEX access_grants_episode_running ON access_grants (ends_at) WHERE episode_id IS NOT NULL;
