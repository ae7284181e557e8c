-- Full-text search. The service writes each contribution's search terms
-- (src/domain/search.rs: folded, Italian stop words dropped, Snowball
-- Italian stems; the author's words folded only), so that both backends
-- match the same terms. Here they become a tsvector without PostgreSQL's
-- parser or dictionaries, which would read them again: each term is a
-- lexeme at its position, weighted A in the title and B in the text. The
-- author's words are C and marked with `~`, so a public search (which never
-- names a `~` lexeme) cannot match them. Each part starts one position
-- after the previous one's last, so a phrase never spans two parts.
-- Rows stored before this migration have no terms yet (search_title NULL):
-- the service fills them at start-up (contributions::fill_search_terms).
ALTER TABLE contributions DROP COLUMN search_text;
ALTER TABLE contributions ADD COLUMN search_title TEXT;
ALTER TABLE contributions ADD COLUMN search_body TEXT;
ALTER TABLE contributions ADD COLUMN search_author TEXT;

CREATE FUNCTION search_lexemes(terms TEXT, weight TEXT, marker TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(
        string_agg(quote_literal(marker || term) || ':' || (position + 1) || weight, ' '),
        ''
    )::tsvector
    FROM unnest(string_to_array(terms, ' ')) WITH ORDINALITY AS terms_of(term, position)
$$;

ALTER TABLE contributions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    search_lexemes(search_title, 'A', '')
    || search_lexemes(search_body, 'B', '')
    || search_lexemes(search_author, 'C', '~')
) STORED;

CREATE INDEX contributions_search ON contributions USING gin (search_vector);
CREATE INDEX contributions_without_search_terms ON contributions (seq) WHERE search_title IS NULL;
