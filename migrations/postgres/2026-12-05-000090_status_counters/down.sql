DELETE FROM indicator_counters WHERE dimension LIKE 'status%';
ALTER TABLE indicator_counters DROP CONSTRAINT indicator_counters_dimension_check;
ALTER TABLE indicator_counters ADD CONSTRAINT indicator_counters_dimension_check
    CHECK (dimension IN ('received', 'counted', 'thematic_area', 'quartiere', 'author_kind', 'day'));
