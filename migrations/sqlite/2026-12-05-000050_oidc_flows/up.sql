-- Sign-ins begun with the Comune's identity provider, waiting for its answer.
-- Kept in the database rather than in one process's memory, so that the
-- provider's answer may reach any server process behind a load balancer.
-- A row is found by the SHA-256 of the OAuth `state` the browser carries
-- back (the state itself is not stored), is bound to that browser by the
-- SHA-256 of its flow cookie, holds the nonce and PKCE verifier the answer is
-- checked with, and is deleted by the first answer that names it (single
-- use) or once expired.
CREATE TABLE oidc_flows (
    state_hash    TEXT PRIMARY KEY,
    browser_hash  TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path     TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL
);
CREATE INDEX oidc_flows_created ON oidc_flows (created_at);
