DROP INDEX contributions_confirmation_token_hash;
ALTER TABLE contributions DROP COLUMN confirmation_token_hash;
ALTER TABLE contributions DROP COLUMN author_confirmed_at;
ALTER TABLE contributions DROP COLUMN author_group;
