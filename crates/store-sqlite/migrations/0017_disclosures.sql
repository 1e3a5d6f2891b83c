-- Information shared about a person outside the organisation: what, with whom, why, on what
-- lawful basis, whether they agreed (and if not, the safeguarding concern), what they were
-- told, and who decided. Never changed or removed: the database refuses it.
CREATE TABLE disclosures (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    service_id BLOB NOT NULL,
    person_id BLOB NOT NULL REFERENCES people (id),
    shared_at INTEGER NOT NULL,
    shared_offset_seconds INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    decided_by BLOB,
    decided_by_label TEXT NOT NULL,
    kind TEXT NOT NULL,
    what TEXT NOT NULL,
    recipient TEXT NOT NULL,
    purpose TEXT NOT NULL,
    lawful_basis TEXT NOT NULL,
    condition TEXT NOT NULL,
    consent TEXT NOT NULL,
    concern TEXT NOT NULL,
    told_person TEXT NOT NULL
) STRICT;
CREATE INDEX disclosures_by_org ON disclosures (org_id, shared_at, id);
CREATE INDEX disclosures_by_person ON disclosures (person_id, shared_at);

CREATE TRIGGER disclosures_no_update BEFORE UPDATE ON disclosures
BEGIN
    SELECT RAISE(ABORT, 'disclosures are never changed');
END;
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
BEGIN
    SELECT RAISE(ABORT, 'disclosures are never removed');
END;
