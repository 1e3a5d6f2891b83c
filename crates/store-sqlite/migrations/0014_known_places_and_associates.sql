-- Which of the places on the person's information form each episode's last-seen and found
-- places are (its kind, 'not_on_form', or '' when none was written). Filled for episodes
-- written before this by `homeward rebuild-learning`.
ALTER TABLE episode_facts ADD COLUMN last_seen_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE episode_facts ADD COLUMN found_kind TEXT NOT NULL DEFAULT '';

-- The associates named on each person's latest information form, by a key made from the
-- name's words, so the patterns can show people who share an associate without reading
-- every form. Written with each new version of the form (and by `homeward rebuild-learning`).
CREATE TABLE person_associates (
    person_id BLOB NOT NULL REFERENCES people (id),
    org_id BLOB NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    trust TEXT NOT NULL,
    PRIMARY KEY (person_id, name_key)
);
CREATE INDEX person_associates_by_name ON person_associates (org_id, name_key, person_id);
