-- Idempotency keys get a scope (issue 13 item 6): `form` for the public
-- form, whose clients are anonymous, and `staff:<id>` for a moderator's
-- offline registrations, so that one client's key never meets another's.
-- An offline registration stores no answer (`response_body` NULL): a replay
-- answers the contribution as it is then, so that no copy of its personal
-- data outlives an erasure. SQLite cannot change a primary key in place:
-- the table is rebuilt, with `scope` last as PostgreSQL adds it.
CREATE TABLE idempotency_keys_scoped (
    key             TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    contribution_id TEXT NOT NULL REFERENCES contributions (id),
    response_body   TEXT,
    created_at      TIMESTAMP NOT NULL,
    scope           TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
INSERT INTO idempotency_keys_scoped (key, request_hash, contribution_id, response_body, created_at, scope)
SELECT key, request_hash, contribution_id, response_body, created_at, 'form' FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_scoped RENAME TO idempotency_keys;
