-- A queue filter that keeps many rows is checked on each row as the walk
-- along the arrival order reads it. A tag is looked up by the row's id:
-- with the id in the index, PostgreSQL walks the index alone for the page's
-- keys (an index-only scan, where the visibility map allows) and reads only
-- the rows it keeps (src/db/contributions.rs, `keys_first`): a tag on 1 %
-- of a million rows, 8 ms instead of 19 ms a page.
DROP INDEX contributions_received_at;
CREATE INDEX contributions_received_at ON contributions (received_at, seq) INCLUDE (id);
