-- An API token stops working when it is revoked, by its owner or an admin. The token's row
-- is kept as it was; the revocation is a record of its own, with who and when.
CREATE TABLE api_token_revocations (
    token_hash TEXT PRIMARY KEY REFERENCES api_tokens (token_hash),
    revoked_at INTEGER NOT NULL,
    revoked_by BLOB,
    revoked_by_label TEXT NOT NULL
) STRICT;
