-- Which browser (its device cookie, hashed) a failed sign-in came from, when it had one: a
-- browser that has signed in to an account before is held only to its own failures, so
-- others guessing at the same address cannot lock its user out.
ALTER TABLE sign_in_failures ADD COLUMN device_hash TEXT;
CREATE INDEX sign_in_failures_by_device ON sign_in_failures (device_hash, at)
    WHERE device_hash IS NOT NULL;
