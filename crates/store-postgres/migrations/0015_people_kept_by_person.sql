-- Who went missing, kept by person on each UK day and in each UK month (figure 'person'),
-- and the same under each risk indicator ('person_risk_cse'…), so a window's people and who
-- went missing most are read from a few counts rather than every episode. Filled here from
-- the facts already kept; from now on written with each entry.

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'person', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND 1 = 1
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT), person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'person', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND 1 = 1
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'person_risk_cse', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,cse,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT), person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'person_risk_cse', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,cse,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'person_risk_cce', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,cce,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT), person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'person_risk_cce', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,cce,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'person_risk_county_lines', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,county_lines,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT), person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'person_risk_county_lines', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,county_lines,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'person_risk_trafficking', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,trafficking,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT), person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'person_risk_trafficking', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,trafficking,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'person_risk_uasc', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,uasc,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT), person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'person_risk_uasc', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,uasc,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'person_risk_self_harm', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,self_harm,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT), person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'person_risk_self_harm', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,self_harm,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'person_risk_mental_health', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,mental_health,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT), person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'person_risk_mental_health', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,mental_health,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'person_risk_substances', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,substances,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT), person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'person_risk_substances', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,substances,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'person_risk_dementia', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,dementia,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT), person_id::text;

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'person_risk_dementia', person_id::text, COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,dementia,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, person_id::text;

-- Return interviews offered again (more than once) once back: a new headline count.
INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS BIGINT), 'cut', 're_offered', COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND returned_at IS NOT NULL AND interview_offers > 1
GROUP BY org_id, CAST(replace(start_day, '-', '') AS BIGINT);

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100, 'cut', 're_offered', COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND returned_at IS NOT NULL AND interview_offers > 1
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS BIGINT) / 100) * 100;
