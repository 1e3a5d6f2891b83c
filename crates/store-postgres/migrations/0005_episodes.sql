-- Missing episodes. The chronology (episode_events) is append-only and the database refuses
-- any change to it; the episodes table is the read model the board and lists use, updated in
-- the same transaction as each event.

CREATE TABLE episodes (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    service_id UUID NOT NULL REFERENCES services (id),
    person_id UUID NOT NULL REFERENCES people (id),
    phase TEXT NOT NULL,
    is_open BIGINT NOT NULL,
    opened_at BIGINT NOT NULL,
    last_seen_at BIGINT,
    police_grade TEXT,
    last_event_seq BIGINT NOT NULL,
    last_event_kind TEXT NOT NULL,
    last_event_at BIGINT NOT NULL
);
CREATE INDEX episodes_by_org ON episodes (org_id, is_open, opened_at);
-- One open episode per person: a second "not back" for the same person is refused.
CREATE UNIQUE INDEX episodes_one_open_per_person ON episodes (person_id) WHERE is_open = 1;

CREATE TABLE episode_events (
    episode_id UUID NOT NULL REFERENCES episodes (id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    occurred_offset_seconds BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by UUID,
    recorded_by_label TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (episode_id, seq)
);

CREATE FUNCTION episode_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the chronology is append-only';
END;
$$;
CREATE TRIGGER episode_events_no_change BEFORE UPDATE OR DELETE ON episode_events
    FOR EACH ROW EXECUTE FUNCTION episode_events_refuse_change();
CREATE TRIGGER episodes_no_delete BEFORE DELETE ON episodes
    FOR EACH ROW EXECUTE FUNCTION episode_events_refuse_change();
CREATE TRIGGER episode_events_no_truncate BEFORE TRUNCATE ON episode_events
    FOR EACH STATEMENT EXECUTE FUNCTION episode_events_refuse_change();
CREATE TRIGGER episodes_no_truncate BEFORE TRUNCATE ON episodes
    FOR EACH STATEMENT EXECUTE FUNCTION episode_events_refuse_change();
