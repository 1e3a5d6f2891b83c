-- When the code from the authenticator app was last entered in each session: exporting and
-- naming people to partners ask for it again if that was more than 15 minutes ago.
ALTER TABLE sessions ADD COLUMN second_factor_at INTEGER;
