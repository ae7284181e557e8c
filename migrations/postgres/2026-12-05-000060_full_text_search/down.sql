DROP INDEX contributions_without_search_terms;
DROP INDEX contributions_search;
ALTER TABLE contributions DROP COLUMN search_vector;
DROP FUNCTION search_lexemes(TEXT, TEXT, TEXT);
ALTER TABLE contributions DROP COLUMN search_author;
ALTER TABLE contributions DROP COLUMN search_body;
ALTER TABLE contributions DROP COLUMN search_title;
-- Lowercase without accents is all the earlier search read.
ALTER TABLE contributions ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE contributions SET search_text = lower(title || E'\n' || body);
ALTER TABLE contributions ALTER COLUMN search_text DROP DEFAULT;
