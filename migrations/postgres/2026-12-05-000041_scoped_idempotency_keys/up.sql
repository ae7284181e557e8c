-- Idempotency keys get a scope (issue 13 item 6): `form` for the public
-- form, whose clients are anonymous, and `staff:<id>` for a moderator's
-- offline registrations, so that one client's key never meets another's.
-- An offline registration stores no answer (`response_body` NULL): a replay
-- answers the contribution as it is then, so that no copy of its personal
-- data outlives an erasure.
ALTER TABLE idempotency_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'form';
ALTER TABLE idempotency_keys ALTER COLUMN scope DROP DEFAULT;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (scope, key);
ALTER TABLE idempotency_keys ALTER COLUMN response_body DROP NOT NULL;
