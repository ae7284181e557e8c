-- Browser sessions of the staff console. The cookie holds a random token;
-- only its SHA-256 is stored, so a copy of the database opens no session.
-- A session ends by deleting its row (sign-out, deactivation, expiry).
CREATE TABLE console_sessions (
    token_hash   TEXT PRIMARY KEY,
    staff_id     TEXT NOT NULL REFERENCES staff (id),
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX console_sessions_staff ON console_sessions (staff_id);
