-- Whether each episode put the person at or over the organisation's repeat threshold, and
-- whether a return interview (Return Discussion in Scotland) was expected for it, as the
-- settings and the nation's guidance stood when it began. Filled for episodes written before
-- this by `homeward rebuild-learning`. And why the return interview was last declined.
ALTER TABLE episode_facts ADD COLUMN over_threshold BIGINT NOT NULL DEFAULT 0;
ALTER TABLE episode_facts ADD COLUMN interview_expected BIGINT NOT NULL DEFAULT 0;
ALTER TABLE episode_facts ADD COLUMN decline_reason TEXT NOT NULL DEFAULT '';
