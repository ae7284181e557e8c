-- SQLite only (see its migration of the same name): PostgreSQL reads every
-- row it passes from the table whatever the index holds.
SELECT 1;
