-- Who went missing, kept by person on each UK day and in each UK month (figure 'person'),
-- and the same under each risk indicator ('person_risk_cse'…), so a window's people and who
-- went missing most are read from a few counts rather than every episode. Filled here from
-- the facts already kept; from now on written with each entry. And the new count of return
-- interviews offered again.

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'person', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND 1 = 1
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER), lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'person', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND 1 = 1
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'person_risk_cse', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,cse,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER), lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'person_risk_cse', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,cse,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'person_risk_cce', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,cce,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER), lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'person_risk_cce', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,cce,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'person_risk_county_lines', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,county_lines,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER), lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'person_risk_county_lines', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,county_lines,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'person_risk_trafficking', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,trafficking,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER), lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'person_risk_trafficking', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,trafficking,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'person_risk_uasc', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,uasc,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER), lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'person_risk_uasc', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,uasc,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'person_risk_self_harm', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,self_harm,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER), lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'person_risk_self_harm', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,self_harm,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'person_risk_mental_health', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,mental_health,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER), lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'person_risk_mental_health', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,mental_health,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'person_risk_substances', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,substances,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER), lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'person_risk_substances', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,substances,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'person_risk_dementia', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,dementia,%'
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER), lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'person_risk_dementia', lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12)), COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND (',' || risks || ',') LIKE '%,dementia,%'
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, lower(substr(hex(person_id), 1, 8) || '-' || substr(hex(person_id), 9, 4) || '-' || substr(hex(person_id), 13, 4) || '-' || substr(hex(person_id), 17, 4) || '-' || substr(hex(person_id), 21, 12));

-- Return interviews offered again (more than once) once back: a new headline count.
INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'day', CAST(replace(start_day, '-', '') AS INTEGER), 'cut', 're_offered', COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND returned_at IS NOT NULL AND interview_offers > 1
GROUP BY org_id, CAST(replace(start_day, '-', '') AS INTEGER);

INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n)
SELECT org_id, 'month', (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100, 'cut', 're_offered', COUNT(*)
FROM episode_facts WHERE phase <> 'recorded_in_error' AND returned_at IS NOT NULL AND interview_offers > 1
GROUP BY org_id, (CAST(replace(start_day, '-', '') AS INTEGER) / 100) * 100;
