-- A number per organisation that moves on whenever anything the live board shows changes:
-- an episode (opened, written to, closed, its paging state), a person's name or home, the
-- photo chosen for them, a service's name, or what an episode adds to learning. A server
-- keeps the board it last read and reads it again only when this number has moved, so a
-- board watched by many people costs one small read a view. Triggers keep it, so a change
-- made any way (another server, the command line) is seen.
CREATE TABLE board_stamps (
    org_id BLOB PRIMARY KEY REFERENCES organisations (id),
    stamp INTEGER NOT NULL
) STRICT;

CREATE TRIGGER episodes_stamp_board_insert AFTER INSERT ON episodes
BEGIN
    INSERT INTO board_stamps (org_id, stamp) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET stamp = stamp + 1;
END;
CREATE TRIGGER episodes_stamp_board_update AFTER UPDATE ON episodes
BEGIN
    INSERT INTO board_stamps (org_id, stamp) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET stamp = stamp + 1;
END;
CREATE TRIGGER people_stamp_board_insert AFTER INSERT ON people
BEGIN
    INSERT INTO board_stamps (org_id, stamp) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET stamp = stamp + 1;
END;
CREATE TRIGGER people_stamp_board_update AFTER UPDATE ON people
BEGIN
    INSERT INTO board_stamps (org_id, stamp) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET stamp = stamp + 1;
END;
CREATE TRIGGER person_photo_choices_stamp_board AFTER INSERT ON person_photo_choices
BEGIN
    INSERT INTO board_stamps (org_id, stamp)
        SELECT org_id, 1 FROM people WHERE id = NEW.person_id
        ON CONFLICT (org_id) DO UPDATE SET stamp = stamp + 1;
END;
CREATE TRIGGER services_stamp_board_insert AFTER INSERT ON services
BEGIN
    INSERT INTO board_stamps (org_id, stamp) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET stamp = stamp + 1;
END;
CREATE TRIGGER services_stamp_board_update AFTER UPDATE ON services
BEGIN
    INSERT INTO board_stamps (org_id, stamp) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET stamp = stamp + 1;
END;
CREATE TRIGGER episode_facts_stamp_board_insert AFTER INSERT ON episode_facts
BEGIN
    INSERT INTO board_stamps (org_id, stamp) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET stamp = stamp + 1;
END;
CREATE TRIGGER episode_facts_stamp_board_update AFTER UPDATE ON episode_facts
BEGIN
    INSERT INTO board_stamps (org_id, stamp) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET stamp = stamp + 1;
END;
CREATE TRIGGER episode_facts_stamp_board_delete AFTER DELETE ON episode_facts
BEGIN
    INSERT INTO board_stamps (org_id, stamp) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET stamp = stamp + 1;
END;
