-- Lists read from indexes in the order they show, however long the history: people by name,
-- every episode newest first, and the pages waiting for someone through the few episodes with pages
-- unanswered.
CREATE INDEX people_by_name ON people (org_id, family_name, given_name, id);
CREATE INDEX episodes_by_time ON episodes (org_id, opened_at, id);
CREATE INDEX episodes_waiting ON episodes (org_id, opened_at) WHERE waiting_pages > 0;
