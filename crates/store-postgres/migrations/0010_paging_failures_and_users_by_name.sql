-- When the paging pass last failed on an episode and has not yet succeeded since (NULL when
-- all is well), so the board can say so to the people who must then page by hand; and users
-- listed by name a page at a time.
ALTER TABLE episodes ADD COLUMN paging_failed_since BIGINT;
CREATE INDEX users_by_name ON users (org_id, display_name, id);
