-- The foundation: organisations, services, users and their roles, sessions, sign-in
-- throttling, a minimal person record and the append-only audit trail.
-- Instants are INTEGER Unix milliseconds (text timestamps sort wrongly); UUIDs are 16-byte BLOBs.
-- Keep in step with store-postgres/migrations: a test compares the two schemas.

CREATE TABLE organisations (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    nation TEXT NOT NULL CHECK (nation IN ('england', 'wales', 'scotland')),
    regulator TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    registered_manager TEXT NOT NULL,
    safeguarding_lead TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE services (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX services_by_org ON services (org_id);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX users_by_org ON users (org_id);

CREATE TABLE memberships (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    service_id BLOB REFERENCES services (id)
) STRICT;
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ip TEXT
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

CREATE TABLE trusted_devices (
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX trusted_devices_by_user ON trusted_devices (user_id);

CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX sign_in_failures_by_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_by_ip ON sign_in_failures (ip, at);

CREATE TABLE people (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    service_id BLOB NOT NULL REFERENCES services (id),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('child', 'adult')),
    date_of_birth TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX people_by_org_service ON people (org_id, service_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    org_id BLOB,
    actor_id BLOB,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id TEXT,
    outcome TEXT NOT NULL,
    ip TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_by_org ON audit_log (org_id, seq);

-- The audit trail is append-only: the database itself refuses changes and removals.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
