-- The public list walks the publication order and checks each row's status
-- (src/db/contributions.rs, `walked`): SQLite, with statistics, would rather
-- read every approved row through the status index and sort them than use
-- the partial index of approved rows. This index serves the walk whatever
-- the status condition looks like.
CREATE INDEX contributions_publication_order ON contributions (published_at, seq);
