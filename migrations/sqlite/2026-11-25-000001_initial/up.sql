-- Whole schema of the service. Timestamps are UTC text (diesel's format), without a zone
-- because the same diesel code serves SQLite, which has no zone type.
-- Identifiers are hyphenated UUID text on both backends for the same reason.

CREATE TABLE thematic_areas (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE staff (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('moderator', 'researcher', 'admin')),
    token_hash     TEXT NOT NULL UNIQUE,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMP NOT NULL,
    deactivated_at TIMESTAMP
);

CREATE TABLE contributions (
    -- The sequence gives the receipt reference (RF-000042) and the paging order.
    seq                      INTEGER PRIMARY KEY AUTOINCREMENT,
    id                       TEXT NOT NULL UNIQUE,
    channel                  TEXT NOT NULL CHECK (channel IN ('form', 'event', 'email', 'paper')),
    status                   TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'spam', 'duplicate', 'hidden')),
    status_reason            TEXT,
    duplicate_of             TEXT REFERENCES contributions (id),
    thematic_area            TEXT NOT NULL REFERENCES thematic_areas (code),
    title                    TEXT NOT NULL,
    body                     TEXT NOT NULL,
    -- Title and body folded to lowercase without accents, written by the service,
    -- so that text search behaves the same on both backends.
    search_text              TEXT NOT NULL,
    author_kind              TEXT NOT NULL CHECK (author_kind IN ('citizen', 'cultural_association', 'trade_association', 'other_organization')),
    given_name               TEXT,
    family_name              TEXT,
    organization_name        TEXT,
    email                    TEXT,
    quartiere                SMALLINT CHECK (quartiere BETWEEN 1 AND 5),
    contact_consent          BOOLEAN NOT NULL DEFAULT FALSE,
    privacy_notice_accepted  BOOLEAN NOT NULL,
    registered_by            TEXT REFERENCES staff (id),
    received_at              TIMESTAMP NOT NULL,
    published_at             TIMESTAMP,
    updated_at               TIMESTAMP NOT NULL,
    personal_data_erased_at  TIMESTAMP,
    version                  BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX contributions_status_seq ON contributions (status, seq);
CREATE INDEX contributions_channel_status ON contributions (channel, status);
CREATE INDEX contributions_published ON contributions (published_at, seq) WHERE status = 'approved';
CREATE INDEX contributions_area ON contributions (thematic_area);
CREATE INDEX contributions_email ON contributions (email);
CREATE INDEX contributions_received_at ON contributions (received_at);

CREATE TABLE tags (
    name       TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE contribution_tags (
    contribution_id TEXT NOT NULL REFERENCES contributions (id),
    tag             TEXT NOT NULL REFERENCES tags (name),
    PRIMARY KEY (contribution_id, tag)
);
CREATE INDEX contribution_tags_tag ON contribution_tags (tag);

CREATE TABLE notes (
    id              TEXT PRIMARY KEY,
    contribution_id TEXT NOT NULL REFERENCES contributions (id),
    author_id       TEXT NOT NULL REFERENCES staff (id),
    text            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX notes_contribution ON notes (contribution_id);

-- Append-only: the service never updates or deletes a row here.
CREATE TABLE audit_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    from_value  TEXT,
    to_value    TEXT,
    reason      TEXT,
    details     TEXT,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_target ON audit_events (target_type, target_id, seq);
CREATE INDEX audit_events_actor ON audit_events (actor, seq);

CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    contribution_id TEXT REFERENCES contributions (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until    TIMESTAMP,
    last_error      TEXT,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE idempotency_keys (
    key             TEXT PRIMARY KEY,
    request_hash    TEXT NOT NULL,
    contribution_id TEXT NOT NULL REFERENCES contributions (id),
    response_body   TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);

-- The time the counted total first reached a target; kept once set.
CREATE TABLE indicator_milestones (
    target     BIGINT PRIMARY KEY,
    reached_at TIMESTAMP NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
