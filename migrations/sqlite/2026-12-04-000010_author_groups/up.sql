-- The export pseudonym comes from a stored author group, not from the
-- address (issue 16 item 3, issue 17 §2): a contribution gets a random group
-- of its own at submission, and joins the group of its address's confirmed
-- contributions once its author confirms the address through the link in
-- the acknowledgement (confirmation_token_hash: SHA-256 of that link's
-- token). The group stays after erasure, so the pseudonym does too.
--
-- Contributions stored before this change were grouped by address in every
-- earlier export, and researchers' work relies on it: each one with an
-- address counts as confirmed at its arrival and takes the group of its
-- address's first contribution. Addresses with non-ASCII characters, whose
-- normalised form the service fills at start-up, are grouped then.
ALTER TABLE contributions ADD COLUMN author_group TEXT;
ALTER TABLE contributions ADD COLUMN author_confirmed_at TIMESTAMP;
ALTER TABLE contributions ADD COLUMN confirmation_token_hash TEXT;

UPDATE contributions
SET author_group = lower(hex(randomblob(16))), author_confirmed_at = received_at
WHERE email IS NOT NULL;
UPDATE contributions
SET author_group = (SELECT f.author_group FROM contributions f
                    WHERE f.email_normalised = contributions.email_normalised
                    ORDER BY f.seq LIMIT 1)
WHERE email_normalised IS NOT NULL;

CREATE UNIQUE INDEX contributions_confirmation_token_hash ON contributions (confirmation_token_hash);
