CREATE TABLE indicator_counters_new (
    dimension TEXT NOT NULL CHECK (dimension IN ('received', 'counted', 'thematic_area', 'quartiere', 'author_kind', 'day')),
    value     TEXT NOT NULL,
    stripe    SMALLINT NOT NULL,
    tally     BIGINT NOT NULL,
    PRIMARY KEY (dimension, value, stripe)
);
INSERT INTO indicator_counters_new SELECT * FROM indicator_counters WHERE dimension NOT LIKE 'status%';
DROP TABLE indicator_counters;
ALTER TABLE indicator_counters_new RENAME TO indicator_counters;
