-- Who is reviewing a contribution, until when (issue 13 §4). A warning for
-- other moderators, not a lock; one row per contribution, renewed in place.
CREATE TABLE claims (
    contribution_id TEXT PRIMARY KEY REFERENCES contributions (id),
    staff_id        TEXT NOT NULL REFERENCES staff (id),
    claimed_until   TIMESTAMP NOT NULL
);
CREATE INDEX claims_until ON claims (claimed_until);
