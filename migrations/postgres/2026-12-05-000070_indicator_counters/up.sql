-- Running counts behind the indicator, kept by the service in the
-- transaction of every write that changes what they count, so that reading
-- the indicator does not scan the contributions (src/db/indicator_counters.rs).
-- Each counter is split over stripes, summed when read, so that concurrent
-- transactions seldom lock the same row. `value` names the area, quartiere
-- (or 'none'), author kind or UTC day ('YYYY-MM-DD'); it is '' for the totals.
CREATE TABLE indicator_counters (
    dimension TEXT NOT NULL CHECK (dimension IN ('received', 'counted', 'thematic_area', 'quartiere', 'author_kind', 'day')),
    value     TEXT NOT NULL,
    stripe    SMALLINT NOT NULL,
    tally     BIGINT NOT NULL,
    PRIMARY KEY (dimension, value, stripe)
);

-- The counts of the contributions stored so far, in stripe 0. As the
-- indicator defines them: every form contribution is received; those neither
-- spam nor duplicate are counted, by area, quartiere, author kind and day.
INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'received', '', 0, COUNT(*) FROM contributions
WHERE channel = 'form' GROUP BY channel;

CREATE TEMPORARY TABLE counted_contributions AS
SELECT thematic_area, quartiere, author_kind, received_at FROM contributions
WHERE channel = 'form' AND status NOT IN ('spam', 'duplicate');

INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'counted', '', 0, COUNT(*) FROM contributions
WHERE channel = 'form' AND status NOT IN ('spam', 'duplicate') GROUP BY channel;
INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'thematic_area', thematic_area, 0, COUNT(*) FROM counted_contributions
GROUP BY thematic_area;
INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'quartiere', COALESCE(CAST(quartiere AS TEXT), 'none'), 0, COUNT(*)
FROM counted_contributions GROUP BY quartiere;
INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'author_kind', author_kind, 0, COUNT(*) FROM counted_contributions
GROUP BY author_kind;
INSERT INTO indicator_counters (dimension, value, stripe, tally)
SELECT 'day', to_char(received_at, 'YYYY-MM-DD'), 0, COUNT(*) FROM counted_contributions
GROUP BY to_char(received_at, 'YYYY-MM-DD');

DROP TABLE counted_contributions;
