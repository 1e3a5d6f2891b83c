-- Photos of people: only re-encoded images without metadata are ever stored (never the upload).
-- Append-only, like everything else about a person; which photo is current is itself an
-- append-only record, so the history of "current photo" is kept too.

CREATE TABLE person_photos (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES people (id),
    taken_on TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    jpeg BLOB NOT NULL,
    uploaded_by_label TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX person_photos_by_person ON person_photos (person_id, uploaded_at);

CREATE TABLE person_photo_choices (
    id INTEGER PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES people (id),
    photo_id BLOB NOT NULL REFERENCES person_photos (id),
    chosen_by_label TEXT NOT NULL,
    chosen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX person_photo_choices_by_person ON person_photo_choices (person_id, id);

CREATE TRIGGER person_photos_no_update BEFORE UPDATE ON person_photos
BEGIN
    SELECT RAISE(ABORT, 'photos are append-only');
END;
CREATE TRIGGER person_photos_no_delete BEFORE DELETE ON person_photos
BEGIN
    SELECT RAISE(ABORT, 'photos are append-only');
END;
CREATE TRIGGER person_photo_choices_no_update BEFORE UPDATE ON person_photo_choices
BEGIN
    SELECT RAISE(ABORT, 'photo choices are append-only');
END;
CREATE TRIGGER person_photo_choices_no_delete BEFORE DELETE ON person_photo_choices
BEGIN
    SELECT RAISE(ABORT, 'photo choices are append-only');
END;
