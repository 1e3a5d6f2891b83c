-- Partner organisations (a police force, a local authority, a return-interview service, an
-- inspectorate) are organisations of their own kind, with their own users.
ALTER TABLE organisations ADD COLUMN kind TEXT NOT NULL DEFAULT 'provider'
    CHECK (kind IN ('provider', 'police', 'local_authority', 'return_interviews', 'inspectorate'));

-- Access a provider gives a partner organisation to one person (or one of their episodes), for
-- a purpose, to some sections, until a time. Kept as given, never changed: ending one early
-- is a revocation of its own.
CREATE TABLE access_grants (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    partner_org_id UUID NOT NULL REFERENCES organisations (id),
    person_id UUID NOT NULL REFERENCES people (id),
    episode_id UUID REFERENCES episodes (id),
    purpose TEXT NOT NULL,
    -- Why, in the words of whoever decided (for break-glass, the officer's reason).
    reason TEXT NOT NULL,
    sections TEXT NOT NULL,
    granted_by UUID,
    granted_by_label TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    disclosure_id UUID NOT NULL REFERENCES disclosures (id)
);
CREATE INDEX access_grants_by_partner ON access_grants (partner_org_id, ends_at);
CREATE INDEX access_grants_by_person ON access_grants (org_id, person_id, granted_at);
CREATE INDEX access_grants_by_episode ON access_grants (episode_id) WHERE episode_id IS NOT NULL;
-- Break-glass uses, for the provider's review list.
CREATE INDEX access_grants_emergency ON access_grants (org_id, granted_at) WHERE purpose = 'break_glass';

-- A grant ended early: revoked by someone, or 24 hours after its episode closed.
CREATE TABLE access_grant_endings (
    grant_id UUID PRIMARY KEY REFERENCES access_grants (id),
    ended_at BIGINT NOT NULL,
    ended_by UUID,
    ended_by_label TEXT NOT NULL,
    reason TEXT NOT NULL
);

CREATE FUNCTION access_grants_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'grants are never changed or removed';
END;
$$;
CREATE TRIGGER access_grants_no_change BEFORE UPDATE OR DELETE ON access_grants
    FOR EACH ROW EXECUTE FUNCTION access_grants_refuse_change();
CREATE TRIGGER access_grants_no_truncate BEFORE TRUNCATE ON access_grants
    FOR EACH STATEMENT EXECUTE FUNCTION access_grants_refuse_change();
CREATE TRIGGER access_grant_endings_no_change BEFORE UPDATE OR DELETE ON access_grant_endings
    FOR EACH ROW EXECUTE FUNCTION access_grants_refuse_change();
CREATE TRIGGER access_grant_endings_no_truncate BEFORE TRUNCATE ON access_grant_endings
    FOR EACH STATEMENT EXECUTE FUNCTION access_grants_refuse_change();

-- The police pack sent as a link that works once, for a named recipient, with a code given by
-- phone; it expires within hours. Every attempt to open it is kept.
CREATE TABLE pack_links (
    id UUID PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    code_hash TEXT NOT NULL,
    org_id UUID NOT NULL REFERENCES organisations (id),
    person_id UUID NOT NULL REFERENCES people (id),
    recipient TEXT NOT NULL,
    created_by UUID,
    created_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    disclosure_id UUID NOT NULL REFERENCES disclosures (id)
);
CREATE INDEX pack_links_by_person ON pack_links (org_id, person_id, created_at);
CREATE TABLE pack_link_attempts (
    link_id UUID NOT NULL REFERENCES pack_links (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('opened', 'wrong_code', 'refused')),
    ip TEXT,
    PRIMARY KEY (link_id, seq)
);
-- Opened once at most.
CREATE UNIQUE INDEX pack_link_opened_once ON pack_link_attempts (link_id) WHERE outcome = 'opened';
CREATE TRIGGER pack_links_no_change BEFORE UPDATE OR DELETE ON pack_links
    FOR EACH ROW EXECUTE FUNCTION access_grants_refuse_change();
CREATE TRIGGER pack_link_attempts_no_change BEFORE UPDATE OR DELETE ON pack_link_attempts
    FOR EACH ROW EXECUTE FUNCTION access_grants_refuse_change();
