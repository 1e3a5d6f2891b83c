-- PostgreSQL tells other app servers of board changes with a trigger (its migration 0006).
-- An embedded database has one server, so there is nothing to do here; the file keeps both
-- engines' migrations numbered alike.
SELECT 1;
