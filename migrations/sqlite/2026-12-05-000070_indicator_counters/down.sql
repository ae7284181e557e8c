DROP TABLE indicator_counters;
