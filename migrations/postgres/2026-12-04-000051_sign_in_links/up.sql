-- Single-use sign-in links of the staff console, sent by e-mail or printed
-- by `rinasce staff sign-in-link`. Only the SHA-256 of the link's token is
-- stored; a link is spent when `used_at` is set, and dead after `expires_at`.
CREATE TABLE sign_in_links (
    token_hash TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX sign_in_links_staff ON sign_in_links (staff_id);
