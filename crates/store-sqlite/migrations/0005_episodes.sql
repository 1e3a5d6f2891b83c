-- Missing episodes. The chronology (episode_events) is append-only and the database refuses
-- any change to it; the episodes table is the read model the board and lists use, updated in
-- the same transaction as each event.

CREATE TABLE episodes (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    service_id BLOB NOT NULL REFERENCES services (id),
    person_id BLOB NOT NULL REFERENCES people (id),
    phase TEXT NOT NULL,
    is_open INTEGER NOT NULL,
    opened_at INTEGER NOT NULL,
    last_seen_at INTEGER,
    police_grade TEXT,
    last_event_seq INTEGER NOT NULL,
    last_event_kind TEXT NOT NULL,
    last_event_at INTEGER NOT NULL
) STRICT;
CREATE INDEX episodes_by_org ON episodes (org_id, is_open, opened_at);
-- One open episode per person: a second "not back" for the same person is refused.
CREATE UNIQUE INDEX episodes_one_open_per_person ON episodes (person_id) WHERE is_open = 1;

CREATE TABLE episode_events (
    episode_id BLOB NOT NULL REFERENCES episodes (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    occurred_offset_seconds INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    recorded_by BLOB,
    recorded_by_label TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (episode_id, seq)
) STRICT;

CREATE TRIGGER episode_events_no_update BEFORE UPDATE ON episode_events
BEGIN
    SELECT RAISE(ABORT, 'the chronology is append-only');
END;
CREATE TRIGGER episode_events_no_delete BEFORE DELETE ON episode_events
BEGIN
    SELECT RAISE(ABORT, 'the chronology is append-only');
END;
CREATE TRIGGER episodes_no_delete BEFORE DELETE ON episodes
BEGIN
    SELECT RAISE(ABORT, 'episodes are never deleted');
END;
