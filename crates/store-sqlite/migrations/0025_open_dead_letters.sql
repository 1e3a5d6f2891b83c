-- /metrics counts the dead letters nobody has dealt with at every scrape: an index of only
-- those keeps the count as small as they are, however many were dealt with over the years.
CREATE INDEX outbox_dead_open ON outbox_dead (died_at) WHERE resolved_at IS NULL;
