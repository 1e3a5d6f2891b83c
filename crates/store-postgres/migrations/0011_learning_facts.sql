-- What each episode contributes to the patterns pages and reports, written in the same
-- transaction as each chronology entry (and rebuilt from the chronologies by
-- `homeward rebuild-learning`): dashboards read these by time window, never the history.
CREATE TABLE episode_facts (
    episode_id UUID PRIMARY KEY REFERENCES episodes (id),
    org_id UUID NOT NULL,
    service_id UUID NOT NULL,
    person_id UUID NOT NULL,
    started_at BIGINT NOT NULL,
    start_day TEXT NOT NULL,
    start_weekday BIGINT NOT NULL,
    start_hour BIGINT NOT NULL,
    episode_number BIGINT NOT NULL,
    found_at BIGINT,
    away_minutes BIGINT,
    reported_after_minutes BIGINT,
    police_grade TEXT,
    last_seen_place TEXT NOT NULL,
    found_place TEXT NOT NULL,
    found_town TEXT NOT NULL,
    found_police_area TEXT NOT NULL,
    returned_at BIGINT,
    interview TEXT NOT NULL,
    interview_first_offered_at BIGINT,
    interview_offers BIGINT NOT NULL,
    interview_declines BIGINT NOT NULL,
    risks TEXT NOT NULL,
    previous_return_at BIGINT,
    phase TEXT NOT NULL
);
CREATE INDEX episode_facts_by_time ON episode_facts (org_id, started_at);
CREATE INDEX episode_facts_by_service ON episode_facts (org_id, service_id, started_at);
CREATE INDEX episode_facts_by_person ON episode_facts (org_id, person_id, started_at);

-- How each duty of each episode went, with the episode's time and place for the window.
CREATE TABLE episode_duty_outcomes (
    episode_id UUID NOT NULL REFERENCES episodes (id),
    rule TEXT NOT NULL,
    org_id UUID NOT NULL,
    service_id UUID NOT NULL,
    started_at BIGINT NOT NULL,
    due_at BIGINT,
    done_at BIGINT,
    status TEXT NOT NULL,
    PRIMARY KEY (episode_id, rule)
);
CREATE INDEX episode_duty_outcomes_by_time ON episode_duty_outcomes (org_id, started_at);
