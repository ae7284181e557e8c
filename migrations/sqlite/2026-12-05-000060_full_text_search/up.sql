-- Full-text search. The service writes each contribution's search terms
-- (src/domain/search.rs: folded, Italian stop words dropped, Snowball
-- Italian stems; the author's words folded only), so that both backends
-- match the same terms. Here an FTS5 index reads them from the table
-- (external content, rowid = seq) with the `ascii` tokenizer, which splits
-- them only at the spaces between terms; triggers keep it in step with the
-- rows. With secure-delete, an erased author's words leave the index's
-- pages at once, as `PRAGMA secure_delete` does for the table's.
-- Rows stored before this migration have no terms yet (search_title NULL):
-- the service fills them at start-up (contributions::fill_search_terms).
ALTER TABLE contributions DROP COLUMN search_text;
ALTER TABLE contributions ADD COLUMN search_title TEXT;
ALTER TABLE contributions ADD COLUMN search_body TEXT;
ALTER TABLE contributions ADD COLUMN search_author TEXT;

CREATE VIRTUAL TABLE contributions_fts USING fts5(
    search_title, search_body, search_author,
    content = 'contributions', content_rowid = 'seq', tokenize = 'ascii'
);
INSERT INTO contributions_fts (contributions_fts, rank) VALUES ('secure-delete', 1);
-- Every row is in the index from now on, with no terms until they are filled.
INSERT INTO contributions_fts (contributions_fts) VALUES ('rebuild');

CREATE TRIGGER contributions_fts_insert AFTER INSERT ON contributions BEGIN
    INSERT INTO contributions_fts (rowid, search_title, search_body, search_author)
    VALUES (new.seq, new.search_title, new.search_body, new.search_author);
END;
CREATE TRIGGER contributions_fts_delete AFTER DELETE ON contributions BEGIN
    INSERT INTO contributions_fts (contributions_fts, rowid, search_title, search_body, search_author)
    VALUES ('delete', old.seq, old.search_title, old.search_body, old.search_author);
END;
CREATE TRIGGER contributions_fts_update AFTER UPDATE OF seq, search_title, search_body, search_author
ON contributions BEGIN
    INSERT INTO contributions_fts (contributions_fts, rowid, search_title, search_body, search_author)
    VALUES ('delete', old.seq, old.search_title, old.search_body, old.search_author);
    INSERT INTO contributions_fts (rowid, search_title, search_body, search_author)
    VALUES (new.seq, new.search_title, new.search_body, new.search_author);
END;

CREATE INDEX contributions_without_search_terms ON contributions (seq) WHERE search_title IS NULL;
