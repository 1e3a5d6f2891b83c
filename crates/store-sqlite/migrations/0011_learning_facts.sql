-- What each episode contributes to the patterns pages and reports, written in the same
-- transaction as each chronology entry (and rebuilt from the chronologies by
-- `homeward rebuild-learning`): dashboards read these by time window, never the history.
-- Kept in time order within each organisation (the key), so a window's facts lie together on
-- disk and a dashboard reads them in one sweep rather than one page per episode.
CREATE TABLE episode_facts (
    episode_id BLOB NOT NULL REFERENCES episodes (id),
    org_id BLOB NOT NULL,
    service_id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    started_at INTEGER NOT NULL,
    start_day TEXT NOT NULL,
    start_weekday INTEGER NOT NULL,
    start_hour INTEGER NOT NULL,
    episode_number INTEGER NOT NULL,
    found_at INTEGER,
    away_minutes INTEGER,
    reported_after_minutes INTEGER,
    police_grade TEXT,
    last_seen_place TEXT NOT NULL,
    found_place TEXT NOT NULL,
    found_town TEXT NOT NULL,
    found_police_area TEXT NOT NULL,
    returned_at INTEGER,
    interview TEXT NOT NULL,
    interview_first_offered_at INTEGER,
    interview_offers INTEGER NOT NULL,
    interview_declines INTEGER NOT NULL,
    risks TEXT NOT NULL,
    previous_return_at INTEGER,
    phase TEXT NOT NULL,
    PRIMARY KEY (org_id, started_at, episode_id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX episode_facts_by_episode ON episode_facts (episode_id);
CREATE INDEX episode_facts_by_service ON episode_facts (org_id, service_id, started_at);
CREATE INDEX episode_facts_by_person ON episode_facts (org_id, person_id, started_at);

-- How each duty of each episode went, with the episode's time and place for the window.
CREATE TABLE episode_duty_outcomes (
    episode_id BLOB NOT NULL REFERENCES episodes (id),
    rule TEXT NOT NULL,
    org_id BLOB NOT NULL,
    service_id BLOB NOT NULL,
    started_at INTEGER NOT NULL,
    due_at INTEGER,
    done_at INTEGER,
    status TEXT NOT NULL,
    PRIMARY KEY (org_id, started_at, episode_id, rule)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX episode_duty_outcomes_by_episode ON episode_duty_outcomes (episode_id, rule);
