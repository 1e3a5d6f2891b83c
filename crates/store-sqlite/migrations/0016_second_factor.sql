-- The second factor. Each account's authenticator secret, sealed with a key derived from the
-- installation's secret so the database alone cannot make codes, and the last 30-second step
-- whose code was used (a code works once).
CREATE TABLE second_factors (
    user_id BLOB PRIMARY KEY REFERENCES users (id),
    secret_sealed BLOB NOT NULL,
    enrolled_at INTEGER NOT NULL,
    last_step INTEGER
) STRICT;

-- Single-use recovery codes, by their SHA-256.
CREATE TABLE recovery_codes (
    user_id BLOB NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
) STRICT;

-- Browsers on which the code need not be asked for again until they expire (30 days at most).
CREATE TABLE remembered_devices (
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX remembered_devices_by_user ON remembered_devices (user_id);

-- A sign-in whose password was right, waiting for its code; or, for an account that must
-- have a second factor and has none yet, for a code from the new secret it holds (sealed).
CREATE TABLE sign_in_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    tries INTEGER NOT NULL,
    new_secret_sealed BLOB
) STRICT;
CREATE INDEX sign_in_challenges_by_user ON sign_in_challenges (user_id);
