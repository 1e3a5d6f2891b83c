-- On-call rotas, one JSON record per version per service (append-only, like settings), and
-- the email outbox: each message is written in the same transaction as the chronology entry
-- it belongs to, and every delivery attempt is a row of its own. Nothing here is changed or
-- deleted: a message is sent when it has a delivered attempt.

CREATE TABLE service_rotas (
    org_id BLOB NOT NULL REFERENCES organisations (id),
    service_id BLOB NOT NULL REFERENCES services (id),
    version INTEGER NOT NULL,
    rota TEXT NOT NULL,
    recorded_by_label TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (service_id, version)
) STRICT;

CREATE TABLE outbox (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    episode_id BLOB REFERENCES episodes (id),
    created_at INTEGER NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_by_time ON outbox (created_at);

CREATE TABLE outbox_attempts (
    message_id BLOB NOT NULL REFERENCES outbox (id),
    attempt INTEGER NOT NULL,
    attempted_at INTEGER NOT NULL,
    delivered INTEGER NOT NULL,
    error TEXT,
    PRIMARY KEY (message_id, attempt)
) STRICT;

CREATE TRIGGER service_rotas_no_change BEFORE UPDATE ON service_rotas
BEGIN
    SELECT RAISE(ABORT, 'rotas are append-only');
END;
CREATE TRIGGER service_rotas_no_delete BEFORE DELETE ON service_rotas
BEGIN
    SELECT RAISE(ABORT, 'rotas are append-only');
END;
CREATE TRIGGER outbox_no_change BEFORE UPDATE ON outbox
BEGIN
    SELECT RAISE(ABORT, 'the outbox is append-only');
END;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN
    SELECT RAISE(ABORT, 'the outbox is append-only');
END;
CREATE TRIGGER outbox_attempts_no_change BEFORE UPDATE ON outbox_attempts
BEGIN
    SELECT RAISE(ABORT, 'delivery attempts are append-only');
END;
CREATE TRIGGER outbox_attempts_no_delete BEFORE DELETE ON outbox_attempts
BEGIN
    SELECT RAISE(ABORT, 'delivery attempts are append-only');
END;
