-- The audit record written with each chronology entry also vouches for the entry's stored
-- content: which entry (episode and number) and a digest of every stored field. `audit verify`
-- recomputes the digest, so an entry changed below the triggers is found and named.
ALTER TABLE audit_log ADD COLUMN sealed_episode BLOB;
ALTER TABLE audit_log ADD COLUMN sealed_seq INTEGER;
ALTER TABLE audit_log ADD COLUMN sealed_digest TEXT;
CREATE INDEX audit_log_by_sealed_entry ON audit_log (sealed_episode, sealed_seq)
    WHERE sealed_episode IS NOT NULL;

-- Backups taken by the server on its schedule, and whether each was good: the admin's page
-- shows the last good one. Failures are kept too, so a run of them is seen.
CREATE TABLE backups (
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    audit_seq INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    problem TEXT
) STRICT;
CREATE INDEX backups_by_time ON backups (finished_at);
