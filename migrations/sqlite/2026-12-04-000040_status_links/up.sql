-- The private link of the acknowledgement e-mail, through which an author
-- follows their contribution and can ask for their data to be erased. Only
-- the SHA-256 of the link's 256-bit secret is kept, so a copy of the
-- database does not open anyone's status page.
CREATE TABLE status_links (
    token_hash      TEXT PRIMARY KEY,
    contribution_id TEXT NOT NULL REFERENCES contributions (id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX status_links_contribution ON status_links (contribution_id);
