-- On-call rotas, one JSON record per version per service (append-only, like settings), and
-- the email outbox: each message is written in the same transaction as the chronology entry
-- it belongs to, and every delivery attempt is a row of its own. Nothing here is changed or
-- deleted: a message is sent when it has a delivered attempt.

CREATE TABLE service_rotas (
    org_id UUID NOT NULL REFERENCES organisations (id),
    service_id UUID NOT NULL REFERENCES services (id),
    version BIGINT NOT NULL,
    rota TEXT NOT NULL,
    recorded_by_label TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (service_id, version)
);

CREATE TABLE outbox (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    episode_id UUID REFERENCES episodes (id),
    created_at BIGINT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX outbox_by_time ON outbox (created_at);

CREATE TABLE outbox_attempts (
    message_id UUID NOT NULL REFERENCES outbox (id),
    attempt BIGINT NOT NULL,
    attempted_at BIGINT NOT NULL,
    delivered BIGINT NOT NULL,
    error TEXT,
    PRIMARY KEY (message_id, attempt)
);

CREATE FUNCTION homeward_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER service_rotas_no_change BEFORE UPDATE OR DELETE ON service_rotas
    FOR EACH ROW EXECUTE FUNCTION homeward_refuse_change();
CREATE TRIGGER outbox_no_change BEFORE UPDATE OR DELETE ON outbox
    FOR EACH ROW EXECUTE FUNCTION homeward_refuse_change();
CREATE TRIGGER outbox_attempts_no_change BEFORE UPDATE OR DELETE ON outbox_attempts
    FOR EACH ROW EXECUTE FUNCTION homeward_refuse_change();
CREATE TRIGGER service_rotas_no_truncate BEFORE TRUNCATE ON service_rotas
    FOR EACH STATEMENT EXECUTE FUNCTION homeward_refuse_change();
CREATE TRIGGER outbox_no_truncate BEFORE TRUNCATE ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION homeward_refuse_change();
CREATE TRIGGER outbox_attempts_no_truncate BEFORE TRUNCATE ON outbox_attempts
    FOR EACH STATEMENT EXECUTE FUNCTION homeward_refuse_change();
