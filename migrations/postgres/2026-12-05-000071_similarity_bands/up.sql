-- The near-duplicate index: the 16 LSH band keys of each contribution's
-- MinHash signature (src/domain/similarity.rs), written with it by the
-- service. A search reads the contributions sharing its keys from the
-- primary key's index. No foreign key: its check would need a second index
-- on contribution_seq; the service deletes a contribution's keys with it.
CREATE TABLE similarity_bands (
    band_key         BIGINT NOT NULL,
    contribution_seq BIGINT NOT NULL,
    PRIMARY KEY (band_key, contribution_seq)
);

-- SQL cannot compute the keys: the contributions stored so far get them
-- from the server (src/app/similarity.rs), newest first, below this number.
INSERT INTO settings (key, value)
SELECT 'similarity_backfill_below', CAST(top + 1 AS TEXT)
FROM (SELECT MAX(seq) AS top FROM contributions) AS stored
WHERE top IS NOT NULL;
