-- Information shared about a person outside the organisation: what, with whom, why, on what
-- lawful basis, whether they agreed (and if not, the safeguarding concern), what they were
-- told, and who decided. Never changed or removed: the database refuses it.
CREATE TABLE disclosures (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    service_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES people (id),
    shared_at BIGINT NOT NULL,
    shared_offset_seconds BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    decided_by UUID,
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
);
CREATE INDEX disclosures_by_org ON disclosures (org_id, shared_at, id);
CREATE INDEX disclosures_by_person ON disclosures (person_id, shared_at);

CREATE FUNCTION disclosures_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'disclosures are never changed or removed';
END;
$$;
CREATE TRIGGER disclosures_no_change BEFORE UPDATE OR DELETE ON disclosures
    FOR EACH ROW EXECUTE FUNCTION disclosures_refuse_change();
CREATE TRIGGER disclosures_no_truncate BEFORE TRUNCATE ON disclosures
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_refuse_change();
