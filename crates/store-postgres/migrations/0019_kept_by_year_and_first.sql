-- Kept counts by UK year as well as by day and month, so a decade's dashboard sums ten years
-- rather than a hundred and twenty months; each person's episodes for all time (grain 'all'),
-- which bounds who can have gone missing most in any window; the times away and before
-- police were told by the hour, so a median reads the hours and then one hour's minutes; and
-- each episode under 'first_person' (and 'first_person_risk_…') keyed by the month of the
-- same person's previous such episode, so a window's people are a sum (see
-- `homeward_domain::rollup::FIRST_PREFIX`). Filled here from what is already kept.

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, grain, period, 'away_hours', CAST(CAST(key AS BIGINT) / 60 AS TEXT), SUM(n)
FROM pattern_rollups WHERE figure = 'away_minutes'
GROUP BY org_id, grain, period, CAST(key AS BIGINT) / 60;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, grain, period, 'reported_hours', CAST(CAST(key AS BIGINT) / 60 AS TEXT), SUM(n)
FROM pattern_rollups WHERE figure = 'reported_minutes'
GROUP BY org_id, grain, period, CAST(key AS BIGINT) / 60;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'year', (period / 10000) * 10000, figure, key, SUM(n)
FROM pattern_rollups WHERE grain = 'month'
GROUP BY org_id, (period / 10000) * 10000, figure, key;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'all', 0, figure, key, SUM(n)
FROM pattern_rollups WHERE grain = 'month' AND figure = 'person'
GROUP BY org_id, figure, key;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    'first_person', CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END, COUNT(*)
FROM (
    SELECT org_id, CAST(replace(start_day, '-', '') AS BIGINT) AS d,
        LAG(CAST(replace(start_day, '-', '') AS BIGINT)) OVER (PARTITION BY org_id, person_id ORDER BY started_at, episode_id) AS prev
    FROM episode_facts WHERE phase <> 'recorded_in_error' AND 1 = 1
) l CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'month' UNION ALL SELECT 'year') g
GROUP BY l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    'first_person_risk_cse', CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END, COUNT(*)
FROM (
    SELECT org_id, CAST(replace(start_day, '-', '') AS BIGINT) AS d,
        LAG(CAST(replace(start_day, '-', '') AS BIGINT)) OVER (PARTITION BY org_id, person_id ORDER BY started_at, episode_id) AS prev
    FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,cse,%'
) l CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'month' UNION ALL SELECT 'year') g
GROUP BY l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    'first_person_risk_cce', CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END, COUNT(*)
FROM (
    SELECT org_id, CAST(replace(start_day, '-', '') AS BIGINT) AS d,
        LAG(CAST(replace(start_day, '-', '') AS BIGINT)) OVER (PARTITION BY org_id, person_id ORDER BY started_at, episode_id) AS prev
    FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,cce,%'
) l CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'month' UNION ALL SELECT 'year') g
GROUP BY l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    'first_person_risk_county_lines', CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END, COUNT(*)
FROM (
    SELECT org_id, CAST(replace(start_day, '-', '') AS BIGINT) AS d,
        LAG(CAST(replace(start_day, '-', '') AS BIGINT)) OVER (PARTITION BY org_id, person_id ORDER BY started_at, episode_id) AS prev
    FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,county_lines,%'
) l CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'month' UNION ALL SELECT 'year') g
GROUP BY l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    'first_person_risk_trafficking', CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END, COUNT(*)
FROM (
    SELECT org_id, CAST(replace(start_day, '-', '') AS BIGINT) AS d,
        LAG(CAST(replace(start_day, '-', '') AS BIGINT)) OVER (PARTITION BY org_id, person_id ORDER BY started_at, episode_id) AS prev
    FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,trafficking,%'
) l CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'month' UNION ALL SELECT 'year') g
GROUP BY l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    'first_person_risk_uasc', CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END, COUNT(*)
FROM (
    SELECT org_id, CAST(replace(start_day, '-', '') AS BIGINT) AS d,
        LAG(CAST(replace(start_day, '-', '') AS BIGINT)) OVER (PARTITION BY org_id, person_id ORDER BY started_at, episode_id) AS prev
    FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,uasc,%'
) l CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'month' UNION ALL SELECT 'year') g
GROUP BY l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    'first_person_risk_self_harm', CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END, COUNT(*)
FROM (
    SELECT org_id, CAST(replace(start_day, '-', '') AS BIGINT) AS d,
        LAG(CAST(replace(start_day, '-', '') AS BIGINT)) OVER (PARTITION BY org_id, person_id ORDER BY started_at, episode_id) AS prev
    FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,self_harm,%'
) l CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'month' UNION ALL SELECT 'year') g
GROUP BY l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    'first_person_risk_mental_health', CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END, COUNT(*)
FROM (
    SELECT org_id, CAST(replace(start_day, '-', '') AS BIGINT) AS d,
        LAG(CAST(replace(start_day, '-', '') AS BIGINT)) OVER (PARTITION BY org_id, person_id ORDER BY started_at, episode_id) AS prev
    FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,mental_health,%'
) l CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'month' UNION ALL SELECT 'year') g
GROUP BY l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    'first_person_risk_substances', CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END, COUNT(*)
FROM (
    SELECT org_id, CAST(replace(start_day, '-', '') AS BIGINT) AS d,
        LAG(CAST(replace(start_day, '-', '') AS BIGINT)) OVER (PARTITION BY org_id, person_id ORDER BY started_at, episode_id) AS prev
    FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,substances,%'
) l CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'month' UNION ALL SELECT 'year') g
GROUP BY l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    'first_person_risk_dementia', CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END, COUNT(*)
FROM (
    SELECT org_id, CAST(replace(start_day, '-', '') AS BIGINT) AS d,
        LAG(CAST(replace(start_day, '-', '') AS BIGINT)) OVER (PARTITION BY org_id, person_id ORDER BY started_at, episode_id) AS prev
    FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,dementia,%'
) l CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'month' UNION ALL SELECT 'year') g
GROUP BY l.org_id, g.grain,
    CASE g.grain WHEN 'day' THEN l.d WHEN 'month' THEN (l.d / 100) * 100 ELSE (l.d / 10000) * 10000 END,
    CASE WHEN l.prev IS NULL THEN '0' ELSE CAST((l.prev / 100) * 100 AS TEXT) END;

-- Who went missing most: each person's episodes in each period, largest first.
CREATE INDEX pattern_rollups_most ON pattern_rollups (org_id, grain, period, n DESC, key)
    WHERE figure = 'person';
-- The few episodes recorded in error, by person: a person's episodes in a window are counted
-- from the index by person alone, less these.
CREATE INDEX episode_facts_in_error ON episode_facts (org_id, person_id, started_at)
    WHERE phase = 'recorded_in_error';

-- PostgreSQL keeps rows in no order, so each kept count read by a window costs a visit to
-- the table unless the index holds the count too: the key carries it, and windows read
-- the index alone.
ALTER TABLE pattern_rollups DROP CONSTRAINT pattern_rollups_pkey;
ALTER TABLE pattern_rollups ADD CONSTRAINT pattern_rollups_pkey
    PRIMARY KEY (org_id, figure, grain, period, key) INCLUDE (n);
