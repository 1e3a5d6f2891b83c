-- People: the information form, risk assessment and missing plan, each kept as append-only
-- versions. The people table becomes the read model of the latest information form, so a
-- person may have an estimated age instead of a date of birth.

ALTER TABLE people ALTER COLUMN date_of_birth DROP NOT NULL;
ALTER TABLE people ADD COLUMN estimated_age BIGINT;

CREATE TABLE person_documents (
    person_id UUID NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL CHECK (kind IN ('profile', 'risk_assessment', 'missing_plan')),
    version BIGINT NOT NULL,
    document TEXT NOT NULL,
    changed TEXT NOT NULL,
    review_date TEXT,
    recorded_by UUID,
    recorded_by_label TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    agreed_by_label TEXT,
    agreed_at BIGINT,
    PRIMARY KEY (person_id, kind, version)
);

-- Versions are history: the database refuses to change or remove them.
CREATE FUNCTION person_documents_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'document versions are append-only';
END;
$$;
CREATE TRIGGER person_documents_no_update BEFORE UPDATE OR DELETE ON person_documents
    FOR EACH ROW EXECUTE FUNCTION person_documents_refuse_change();
CREATE TRIGGER person_documents_no_truncate BEFORE TRUNCATE ON person_documents
    FOR EACH STATEMENT EXECUTE FUNCTION person_documents_refuse_change();
