CREATE TABLE idempotency_keys_unscoped (
    key             TEXT PRIMARY KEY,
    request_hash    TEXT NOT NULL,
    contribution_id TEXT NOT NULL REFERENCES contributions (id),
    response_body   TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
INSERT INTO idempotency_keys_unscoped (key, request_hash, contribution_id, response_body, created_at)
SELECT key, request_hash, contribution_id, response_body, created_at FROM idempotency_keys
WHERE scope = 'form';
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_unscoped RENAME TO idempotency_keys;
