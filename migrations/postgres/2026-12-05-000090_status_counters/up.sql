-- The moderation queue's counts per status (issue 18): kept beside the
-- indicator's counters, in the same table and by the same writes
-- (src/domain/indicator_counts.rs), so that the queue's numbers and the
-- public total cost a few rows, not a scan. A status counter's value is the
-- status, then a space and the area, quartiere, channel or author kind.
ALTER TABLE indicator_counters DROP CONSTRAINT indicator_counters_dimension_check;
ALTER TABLE indicator_counters ADD CONSTRAINT indicator_counters_dimension_check
    CHECK (dimension IN ('received', 'counted', 'thematic_area', 'quartiere', 'author_kind', 'day',
                                        'status', 'status_thematic_area', 'status_quartiere',
                                        'status_channel', 'status_author_kind'));

-- The counts of the contributions stored so far, in stripe 0: every
-- contribution, of any channel, by status, alone and with its area,
-- quartiere (or 'none'), channel and author kind.
INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'status', status, 0, COUNT(*) FROM contributions GROUP BY status;
INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'status_thematic_area', status || ' ' || thematic_area, 0, COUNT(*) FROM contributions
GROUP BY status, thematic_area;
INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'status_quartiere', status || ' ' || COALESCE(CAST(quartiere AS TEXT), 'none'), 0, COUNT(*)
FROM contributions GROUP BY status, quartiere;
INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'status_channel', status || ' ' || channel, 0, COUNT(*) FROM contributions
GROUP BY status, channel;
INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'status_author_kind', status || ' ' || author_kind, 0, COUNT(*) FROM contributions
GROUP BY status, author_kind;
