-- The counts a whole organisation's patterns add up from, per UK day and per UK month (see
-- `homeward_domain::rollup`): kept in the same transaction as each episode's facts, and
-- rebuilt from the facts by `homeward rebuild-learning`. A year's dashboard sums a few
-- thousand of these rather than reading every episode.
CREATE TABLE pattern_rollups (
    org_id UUID NOT NULL,
    grain TEXT NOT NULL,
    period BIGINT NOT NULL,
    figure TEXT NOT NULL,
    key TEXT NOT NULL,
    n BIGINT NOT NULL,
    -- By figure first: a tile reads only its own figures' counts over the window.
    PRIMARY KEY (org_id, figure, grain, period, key)
);

-- What is still counted from the facts themselves reads only these few columns, in time order.
CREATE INDEX episode_facts_window ON episode_facts
    (org_id, started_at, person_id, risks)
    WHERE phase <> 'recorded_in_error';
-- What depends on the time now is counted live, from the few episodes still missing and the
-- few duties still open.
CREATE INDEX episode_facts_still_missing ON episode_facts (org_id, started_at)
    WHERE found_at IS NULL;
CREATE INDEX episode_duty_outcomes_open ON episode_duty_outcomes (org_id, started_at)
    WHERE status = 'open';
