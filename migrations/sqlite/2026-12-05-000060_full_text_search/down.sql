DROP INDEX contributions_without_search_terms;
DROP TRIGGER contributions_fts_update;
DROP TRIGGER contributions_fts_delete;
DROP TRIGGER contributions_fts_insert;
DROP TABLE contributions_fts;
ALTER TABLE contributions DROP COLUMN search_author;
ALTER TABLE contributions DROP COLUMN search_body;
ALTER TABLE contributions DROP COLUMN search_title;
-- Lowercase (ASCII letters only, in SQLite) is all the earlier search read.
ALTER TABLE contributions ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE contributions SET search_text = lower(title || char(10) || body);
