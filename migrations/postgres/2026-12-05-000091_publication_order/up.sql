-- SQLite only (see its migration of the same name): PostgreSQL walks the
-- partial index of approved rows, `contributions_published`.
SELECT 1;
