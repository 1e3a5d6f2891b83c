-- Photos of people: only re-encoded images without metadata are ever stored (never the upload).
-- Append-only, like everything else about a person; which photo is current is itself an
-- append-only record, so the history of "current photo" is kept too.

CREATE TABLE person_photos (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES people (id),
    taken_on TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    jpeg BYTEA NOT NULL,
    uploaded_by_label TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX person_photos_by_person ON person_photos (person_id, uploaded_at);

CREATE TABLE person_photo_choices (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES people (id),
    photo_id UUID NOT NULL REFERENCES person_photos (id),
    chosen_by_label TEXT NOT NULL,
    chosen_at BIGINT NOT NULL
);
CREATE INDEX person_photo_choices_by_person ON person_photo_choices (person_id, id);

CREATE FUNCTION person_photos_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'photos are append-only';
END;
$$;
CREATE TRIGGER person_photos_no_update BEFORE UPDATE OR DELETE ON person_photos
    FOR EACH ROW EXECUTE FUNCTION person_photos_refuse_change();
CREATE TRIGGER person_photo_choices_no_update BEFORE UPDATE OR DELETE ON person_photo_choices
    FOR EACH ROW EXECUTE FUNCTION person_photos_refuse_change();
