-- The quota of accepted submissions per client (issue 18 item 4), shared by
-- every server process on this database. One row per client address:
-- `full_at` is when its quota is whole again (GCRA's theoretical arrival
-- time). A row whose `full_at` has passed means a full quota and may be
-- deleted at any time. Not indexed on `full_at`, so that the updates of a
-- busy client stay HOT; the expiry scans this small table once a minute.
CREATE TABLE submission_quotas (
    client  TEXT PRIMARY KEY,
    full_at TIMESTAMP NOT NULL
);
