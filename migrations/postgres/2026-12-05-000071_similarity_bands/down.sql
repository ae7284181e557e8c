DROP TABLE similarity_bands;
DELETE FROM settings WHERE key = 'similarity_backfill_below';
