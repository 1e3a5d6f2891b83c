-- A number per organisation that moves on whenever anything the live board shows changes:
-- an episode (opened, written to, closed, its paging state), a person's name or home, the
-- photo chosen for them, a service's name, or what an episode adds to learning. A server
-- keeps the board it last read and reads it again only when this number has moved, so a
-- board watched by many people costs one small read a view. Triggers keep it, so a change
-- made any way (another server, the command line) is seen.
CREATE TABLE board_stamps (
    org_id UUID PRIMARY KEY REFERENCES organisations (id),
    stamp BIGINT NOT NULL
);

CREATE FUNCTION board_stamp_move(org UUID) RETURNS void LANGUAGE sql AS $$
    INSERT INTO board_stamps (org_id, stamp) VALUES (org, 1)
        ON CONFLICT (org_id) DO UPDATE SET stamp = board_stamps.stamp + 1;
$$;

CREATE FUNCTION board_stamp_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM board_stamp_move(OLD.org_id);
    ELSE
        PERFORM board_stamp_move(NEW.org_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION board_stamp_photo_choice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM board_stamp_move(org_id) FROM people WHERE id = NEW.person_id;
    RETURN NULL;
END $$;

-- Constraint triggers, deferred to the commit: the stamp's row is then the last lock a write
-- takes (after the audit chain's), so it is held only for the commit, and a batch of writes
-- holding some episodes never waits for it while another holding it waits for them (which
-- deadlocked two servers adding entries at once).
CREATE CONSTRAINT TRIGGER episodes_stamp_board AFTER INSERT OR UPDATE ON episodes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION board_stamp_row();
CREATE CONSTRAINT TRIGGER people_stamp_board AFTER INSERT OR UPDATE ON people
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION board_stamp_row();
CREATE CONSTRAINT TRIGGER services_stamp_board AFTER INSERT OR UPDATE ON services
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION board_stamp_row();
CREATE CONSTRAINT TRIGGER episode_facts_stamp_board AFTER INSERT OR UPDATE OR DELETE ON episode_facts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION board_stamp_row();
CREATE CONSTRAINT TRIGGER person_photo_choices_stamp_board AFTER INSERT ON person_photo_choices
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION board_stamp_photo_choice();
