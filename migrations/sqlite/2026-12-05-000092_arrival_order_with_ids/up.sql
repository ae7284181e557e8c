-- A queue filter that keeps many rows is checked on each row as the walk
-- along the arrival order reads it (src/db/contributions.rs, `walked`). A
-- tag is looked up by the row's id: with the id in the index, SQLite reads
-- the table only for the rows it keeps, not for every row it passes (a
-- tag on 1 % of a million rows: 2 ms instead of 10 ms a page).
DROP INDEX contributions_received_at;
CREATE INDEX contributions_received_at ON contributions (received_at, seq, id);
