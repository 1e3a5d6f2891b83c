-- Derived on write, read from what was derived. Each append (and each escalation pass over an
-- episode) stores what the board and the paging pass need: the next duty and its deadline,
-- how many pages wait for an answer, and when the paging pass must next look. The pass then
-- selects by an indexed time instead of deriving every open episode.
ALTER TABLE episodes ADD COLUMN next_duty_rule TEXT;
ALTER TABLE episodes ADD COLUMN next_duty_due_at BIGINT;
ALTER TABLE episodes ADD COLUMN waiting_pages BIGINT NOT NULL DEFAULT 0;
ALTER TABLE episodes ADD COLUMN next_check_at BIGINT;
-- Everything not yet ended is looked at once by the first pass after this upgrade.
UPDATE episodes SET next_check_at = 0 WHERE phase NOT IN ('closed', 'recorded_in_error');
CREATE INDEX episodes_to_check ON episodes (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX episodes_by_person ON episodes (org_id, person_id, opened_at);
CREATE INDEX episodes_by_service ON episodes (org_id, service_id, is_open, opened_at);

-- The outbox's work queue: a row per message still to deliver, with when to try next and how
-- many tries it has had. Delivered messages leave it; so do messages that used every try,
-- which become dead letters for the organisation's managers to correct and resend. The
-- outbox and its attempts stay append-only; these two tables are its state.
CREATE TABLE outbox_queue (
    message_id UUID PRIMARY KEY REFERENCES outbox (id),
    org_id UUID NOT NULL REFERENCES organisations (id),
    not_before BIGINT NOT NULL,
    tries BIGINT NOT NULL
);
CREATE INDEX outbox_queue_due ON outbox_queue (not_before);

CREATE TABLE outbox_dead (
    message_id UUID PRIMARY KEY REFERENCES outbox (id),
    org_id UUID NOT NULL REFERENCES organisations (id),
    died_at BIGINT NOT NULL,
    last_error TEXT,
    resolved_at BIGINT,
    resolved_by TEXT,
    resent_as UUID
);
CREATE INDEX outbox_dead_by_org ON outbox_dead (org_id, resolved_at);

INSERT INTO outbox_queue (message_id, org_id, not_before, tries)
SELECT o.id, o.org_id, o.created_at,
       (SELECT COUNT(*) FROM outbox_attempts a WHERE a.message_id = o.id) / 2
FROM outbox o
WHERE NOT EXISTS (SELECT 1 FROM outbox_attempts a WHERE a.message_id = o.id AND a.delivered = 1)
  AND (SELECT COUNT(*) FROM outbox_attempts a WHERE a.message_id = o.id) / 2 < 8;

INSERT INTO outbox_dead (message_id, org_id, died_at, last_error)
SELECT o.id, o.org_id,
       (SELECT MAX(a.attempted_at) FROM outbox_attempts a WHERE a.message_id = o.id),
       (SELECT a.error FROM outbox_attempts a WHERE a.message_id = o.id ORDER BY a.attempt DESC LIMIT 1)
FROM outbox o
WHERE NOT EXISTS (SELECT 1 FROM outbox_attempts a WHERE a.message_id = o.id AND a.delivered = 1)
  AND (SELECT COUNT(*) FROM outbox_attempts a WHERE a.message_id = o.id) / 2 >= 8;
