-- Tell every app server when an episode's board line changes, so a board open on one server
-- shows an event recorded on another. The payload names no person: organisation, service,
-- episode and the event's number. NOTIFY is delivered only when the transaction commits.
CREATE FUNCTION homeward_board_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('homeward_board',
        NEW.org_id::text || ' ' || NEW.service_id::text || ' ' || NEW.id::text || ' ' || NEW.last_event_seq::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER episodes_notify_board AFTER INSERT OR UPDATE ON episodes
    FOR EACH ROW EXECUTE FUNCTION homeward_board_notify();
