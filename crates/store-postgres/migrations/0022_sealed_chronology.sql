-- The audit record written with each chronology entry also vouches for the entry's stored
-- content: which entry (episode and number) and a digest of every stored field. `audit verify`
-- recomputes the digest, so an entry changed below the triggers is found and named.
ALTER TABLE audit_log ADD COLUMN sealed_episode UUID;
ALTER TABLE audit_log ADD COLUMN sealed_seq BIGINT;
ALTER TABLE audit_log ADD COLUMN sealed_digest TEXT;
CREATE INDEX audit_log_by_sealed_entry ON audit_log (sealed_episode, sealed_seq)
    WHERE sealed_episode IS NOT NULL;

-- Backups taken by the server on its schedule, and whether each was good: the admin's page
-- shows the last good one. Failures are kept too, so a run of them is seen.
CREATE TABLE backups (
    id BIGSERIAL PRIMARY KEY,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    audit_seq BIGINT NOT NULL,
    ok BIGINT NOT NULL,
    problem TEXT
);
CREATE INDEX backups_by_time ON backups (finished_at);
