-- People: the information form, risk assessment and missing plan, each kept as append-only
-- versions. The people table becomes the read model of the latest information form, so a
-- person may have an estimated age instead of a date of birth.

CREATE TABLE people_next (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    service_id BLOB NOT NULL REFERENCES services (id),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('child', 'adult')),
    date_of_birth TEXT,
    estimated_age INTEGER,
    created_at INTEGER NOT NULL
) STRICT;
INSERT INTO people_next (id, org_id, service_id, given_name, family_name, kind, date_of_birth, estimated_age, created_at)
    SELECT id, org_id, service_id, given_name, family_name, kind, date_of_birth, NULL, created_at FROM people;
DROP TABLE people;
ALTER TABLE people_next RENAME TO people;
CREATE INDEX people_by_org_service ON people (org_id, service_id);

CREATE TABLE person_documents (
    person_id BLOB NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL CHECK (kind IN ('profile', 'risk_assessment', 'missing_plan')),
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    changed TEXT NOT NULL,
    review_date TEXT,
    recorded_by BLOB,
    recorded_by_label TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    agreed_by_label TEXT,
    agreed_at INTEGER,
    PRIMARY KEY (person_id, kind, version)
) STRICT;

-- Versions are history: the database refuses to change or remove them.
CREATE TRIGGER person_documents_no_update BEFORE UPDATE ON person_documents
BEGIN
    SELECT RAISE(ABORT, 'document versions are append-only');
END;
CREATE TRIGGER person_documents_no_delete BEFORE DELETE ON person_documents
BEGIN
    SELECT RAISE(ABORT, 'document versions are append-only');
END;
